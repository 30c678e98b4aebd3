import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SimClock } from '../../src/env/clock.js';
import { Prng } from '../../src/env/prng.js';
import type { Disk } from '../../src/storage/disk.js';
import { FaultyDisk } from '../../src/storage/faulty-disk.js';
import { groupDir, termVotePath } from '../../src/storage/layout.js';
import { MemDisk } from '../../src/storage/mem-disk.js';
import { MemoryLogSink, type RaftLogSink } from '../../src/storage/raft-log.js';
import {
  StatementRateLimiter,
  TermVoteStore,
  newTavFailureCounters,
  type TavFailureClass,
  type TavFailureCounters,
  type TermVoteStoreOptions,
} from '../../src/storage/term-vote-store.js';

const ROOT = '/store';
const GROUP = 'C-R3F-abcdefgh';
const TAV = termVotePath(ROOT, 'S1', GROUP);
const TIME_SCALE = 50; // 50 real ms per NATS second: the WRN expiry is 50 clock ms
const ERR_LINE = `[ERR] RAFT [nodeA001 - ${GROUP}] Resource not found: open ${TAV}: no such file or directory`;
const WRN_LINE = `[WRN] RAFT [nodeA001 - ${GROUP}] Error writing term and vote file for "${GROUP}": open ${TAV}: no such file or directory`;

interface Fixture {
  disk: MemDisk;
  clock: SimClock;
  log: MemoryLogSink;
  counters: TavFailureCounters;
  store: TermVoteStore;
  setClass(c: TavFailureClass): void;
}

async function fixture(over: Partial<TermVoteStoreOptions> = {}): Promise<Fixture> {
  const disk = new MemDisk();
  await disk.mkdirp(groupDir(ROOT, 'S1', GROUP));
  const clock = new SimClock();
  const log = new MemoryLogSink();
  const counters = newTavFailureCounters();
  let cls: TavFailureClass = 'persistent';
  const store = new TermVoteStore({
    disk,
    path: TAV,
    nodeId: 'nodeA001',
    group: GROUP,
    clock,
    timeScale: TIME_SCALE,
    classify: () => cls,
    counters,
    log,
    ...over,
  });
  return { disk, clock, log, counters, store, setClass: (c) => (cls = c) };
}

/** 8-byte little-endian term then the vote id, as NATS lays out tav.idx. */
function tav(term: number, vote: string): Uint8Array {
  const b = new Uint8Array(8 + vote.length);
  new DataView(b.buffer).setBigUint64(0, BigInt(term), true);
  b.set(new TextEncoder().encode(vote), 8);
  return b;
}

void test('success writes the bytes, counts nothing, logs nothing', async () => {
  const f = await fixture();
  assert.equal(await f.store.write(tav(3, 'nodeB002')), true);
  assert.deepEqual(await f.disk.readFile(TAV), tav(3, 'nodeB002'));
  assert.deepEqual(f.counters, newTavFailureCounters());
  assert.deepEqual(f.log.lines, []);
});

void test('overlapping writes are serialised: the file holds the last one', async () => {
  const f = await fixture();
  const results = await Promise.all([1, 2, 3, 4].map((t) => f.store.write(tav(t, 'nodeA001'))));
  assert.deepEqual(results, [true, true, true, true]);
  assert.deepEqual(await f.disk.readFile(TAV), tav(4, 'nodeA001'));
});

void test('on a slow disk, the next write waits for the previous one: an older term/vote never lands last', async () => {
  // A disk whose first write is held until released: if writes overlapped, the second (newer)
  // would land first and the held older one would overwrite it.
  const inner = new MemDisk();
  await inner.mkdirp(groupDir(ROOT, 'S1', GROUP));
  let release!: () => void;
  const held = new Promise<void>((r) => (release = r));
  const started: number[] = [];
  const disk: Disk = Object.assign(Object.create(inner) as MemDisk, {
    writeFile: async (path: string, data: Uint8Array): Promise<void> => {
      started.push(new DataView(data.buffer).getUint32(0, true));
      if (started.length === 1) await held;
      await inner.writeFile(path, data);
    },
  });
  const f = await fixture({ disk });
  const older = f.store.write(tav(7, ''));
  const newer = f.store.write(tav(7, 'nodeA001'));
  for (let i = 0; i < 10; i++) await new Promise<void>((r) => setImmediate(r));
  assert.deepEqual(started, [7], 'the second write has not started while the first is held');
  release();
  assert.deepEqual(await Promise.all([older, newer]), [true, true]);
  assert.deepEqual(started, [7, 7]);
  assert.deepEqual(await inner.readFile(TAV), tav(7, 'nodeA001'), 'the file ends with the last write');
});

void test('ENOENT after the dir is removed: counted by cause and class, ERR then WRN in NATS words', async () => {
  const f = await fixture();
  await f.disk.rm(groupDir(ROOT, 'S1', GROUP));
  assert.equal(await f.store.write(tav(5, 'nodeA001')), false);
  assert.deepEqual(f.counters, { enoent: 1, other: 0, transient: 0, persistent: 1, warnLogged: 1, warnSuppressed: 0, unlogged: 0 });
  assert.deepEqual(f.log.rendered(), [ERR_LINE, WRN_LINE]);

  f.setClass('transient');
  f.clock.advanceMs(TIME_SCALE);
  assert.equal(await f.store.write(tav(6, 'nodeA001')), false);
  assert.equal(f.counters.transient, 1);
  assert.equal(f.counters.persistent, 1);
});

void test('ERR every time, WRN at most once per 1 s of NATS time per node', async () => {
  const f = await fixture();
  await f.disk.rm(groupDir(ROOT, 'S1', GROUP));
  // An orphan's campaign: two writes (candidate, self-vote) at once, then more inside the second.
  await f.store.write(tav(1, ''));
  await f.store.write(tav(1, 'nodeA001'));
  f.clock.advanceMs(TIME_SCALE - 0.001); // just under 1 NATS second after the logged WRN
  await f.store.write(tav(2, ''));
  assert.deepEqual(f.log.rendered(), [ERR_LINE, WRN_LINE, ERR_LINE, ERR_LINE]);
  f.clock.advanceMs(0.001); // exactly 1 NATS second: the entry has expired
  await f.store.write(tav(2, 'nodeA001'));
  assert.deepEqual(f.log.rendered().slice(4), [ERR_LINE, WRN_LINE]);
  assert.deepEqual(f.counters, { enoent: 4, other: 0, transient: 0, persistent: 4, warnLogged: 2, warnSuppressed: 2, unlogged: 0 });
  // Invariants the host may rely on.
  const c = f.counters;
  assert.equal(c.enoent + c.other, c.transient + c.persistent);
  assert.equal(c.warnLogged + c.warnSuppressed, c.enoent + c.other);
});

void test('the rate limit is per node: another node id logs its own WRN; a shared limiter is per statement', async () => {
  const f = await fixture();
  await f.disk.rm(groupDir(ROOT, 'S1', GROUP));
  const other = new TermVoteStore({
    disk: f.disk,
    path: TAV,
    nodeId: 'nodeZ999',
    group: GROUP,
    clock: f.clock,
    timeScale: TIME_SCALE,
    classify: () => 'persistent',
    counters: f.counters,
    log: f.log,
  });
  await f.store.write(tav(1, ''));
  await other.write(tav(1, ''));
  assert.equal(f.log.lines.filter((l) => l.level === 'WRN').length, 2);

  // Two duplicate instances of one (server, group) print the same statement; sharing a limiter
  // (as NATS's per-server map does) logs it once.
  const g = await fixture();
  const limiter = new StatementRateLimiter(g.clock, TIME_SCALE);
  const mk = (): TermVoteStore =>
    new TermVoteStore({
      disk: g.disk, path: TAV, nodeId: 'nodeA001', group: GROUP, clock: g.clock, timeScale: TIME_SCALE,
      classify: () => 'persistent', counters: g.counters, log: g.log, warnLimiter: limiter,
    });
  await g.disk.rm(groupDir(ROOT, 'S1', GROUP));
  await mk().write(tav(1, ''));
  await mk().write(tav(1, ''));
  assert.deepEqual(g.log.rendered(), [ERR_LINE, WRN_LINE, ERR_LINE]);
  assert.equal(g.counters.warnSuppressed, 1);
});

void test('other errors: counted as other, WRN with their message, no ERR', async () => {
  const clock = new SimClock();
  const inner = new MemDisk();
  await inner.mkdirp(groupDir(ROOT, 'S1', GROUP));
  const disk = new FaultyDisk(inner, { faults: { EIO: 1 } }, { prng: new Prng(1), clock });
  const f = await fixture({ disk, clock });
  assert.equal(await f.store.write(tav(1, '')), false);
  assert.deepEqual(f.log.rendered(), [
    `[WRN] RAFT [nodeA001 - ${GROUP}] Error writing term and vote file for "${GROUP}": write ${TAV}: input/output error`,
  ]);
  assert.deepEqual(f.counters, { enoent: 0, other: 1, transient: 0, persistent: 1, warnLogged: 1, warnSuppressed: 0, unlogged: 0 });
});

void test('never throws: odd rejections, a throwing classifier, a throwing log', async () => {
  const rejectsWith = (v: unknown): Disk => {
    const d = new MemDisk();
    // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- deliberately odd rejection reasons
    d.writeFile = () => Promise.reject(v);
    return d;
  };
  const f = await fixture({ disk: rejectsWith('a string'), classify: () => { throw new Error('host bug'); } });
  assert.equal(await f.store.write(tav(1, '')), false);
  assert.equal(f.counters.other, 1);
  assert.equal(f.counters.persistent, 1, 'a throwing classifier counts as persistent');
  assert.match(f.log.rendered()[0] ?? '', /: a string$/);

  const badLog: RaftLogSink = {
    line: () => {
      throw new Error('log broken');
    },
    flush: async () => {},
    close: async () => {},
  };
  const g = await fixture({ disk: rejectsWith(undefined), log: badLog });
  assert.equal(await g.store.write(tav(1, '')), false);
  assert.equal(await g.store.write(tav(2, '')), false, 'a later write still runs');
});

void test('bad construction options are RangeErrors naming the field', async () => {
  await assert.rejects(fixture({ timeScale: 0 }), /^RangeError: timeScale must be a finite number > 0/);
  await assert.rejects(fixture({ timeScale: Number.POSITIVE_INFINITY }), /timeScale/);
  await assert.rejects(fixture({ nodeId: '' }), /^RangeError: nodeId/);
  await assert.rejects(fixture({ group: '' }), /^RangeError: group/);
});
