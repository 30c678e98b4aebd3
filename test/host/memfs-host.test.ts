/**
 * The #5824 duplicate on the memfs backend, in one thread, deterministically: a NodeHost built
 * in-process (no piscina, no timer), time driven by hand one tick at a time on a SimClock, every
 * tick's I/O settled before the next one. Pass/fail never depends on wall-clock timing (the only
 * real-time values are the pause/lock timeouts, which only matter if something hangs).
 *
 * Why a SimClock and not realClock: the WRN rate limiter (1 NATS s) and the create/delete latencies
 * read the injected clock. Advancing a SimClock by exactly one tick interval per tick makes the
 * limiter see NATS time, so "one WRN per campaign, the second write's WRN suppressed" is an exact
 * count instead of a property of how fast this machine ran the loop.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { PAUSE_COUNTERS } from '../../src/create/pause.js';
import type { StrategyName } from '../../src/create/strategy.js';
import { SimClock } from '../../src/env/clock.js';
import { groupNameOf } from '../../src/host/address.js';
import { createRunBuffers } from '../../src/host/host-pool.js';
import { NodeHost } from '../../src/host/node-host.js';
import type { CensusEntry, CreateResult, HostConfig, RunBuffers } from '../../src/host/protocol.js';
import { NATS_TICK_MS, NATS_TIMING } from '../../src/raft/config.js';
import { SharedIntTable } from '../../src/shm/shared-int-table.js';
import { SharedCounters } from '../../src/shm/sync-primitives.js';
import { MemDisk } from '../../src/storage/mem-disk.js';
import { MemoryLogSink } from '../../src/storage/raft-log.js';
import { testHostConfig } from '../fixtures/host-config.js';

/** Ticks run after the delete: 3,000 ticks = 300 NATS seconds. */
const TICKS_AFTER_DELETE = 3_000;
/** Generous cap on the election after creation (NATS: campaign 1–8 ticks, election 40–90). */
const ELECTION_TICKS_MAX = 2_000;
const PAUSE_TIMEOUT_MS = 10_000;

/**
 * Bounds NATS timing implies for the orphan's persistent failures in TICKS_AFTER_DELETE ticks.
 *
 * - A leader orphan steps down at its second lost-quorum check at the latest: the first check
 *   after the delete may still count answers heard before it, the next one cannot. So within
 *   2 × lostQuorumTicks = 200 ticks. A follower or candidate orphan never needs that step.
 * - After the step-down (or any reset) it campaigns within one election timeout, 40–90 ticks; each
 *   campaign makes exactly 2 term/vote writes ({term+1, ''}, then the self-vote), both ENOENT.
 * - So the first campaign falls in [1, 200 + 90] ticks after the delete and the next ones follow
 *   every 40–90 ticks:
 *     campaigns_min = 1 + floor((T - 290) / 90) = 31   (T = 3000)
 *     campaigns_max = 1 + floor((T - 1) / 40)   = 75
 *   failures = 2 × campaigns ∈ [62, 150].
 */
function failureBounds(ticks: number): { min: number; max: number; campaignsMin: number; campaignsMax: number } {
  const t = NATS_TIMING;
  const firstLatest = 2 * t.lostQuorumTicks + t.electionTimeoutMaxTicks;
  const campaignsMin = 1 + Math.floor((ticks - firstLatest) / t.electionTimeoutMaxTicks);
  const campaignsMax = 1 + Math.floor((ticks - 1) / t.electionTimeoutMinTicks);
  return { min: 2 * campaignsMin, max: 2 * campaignsMax, campaignsMin, campaignsMax };
}

interface Rig {
  readonly host: NodeHost;
  readonly config: HostConfig;
  readonly buffers: RunBuffers;
  readonly clock: SimClock;
  readonly disk: MemDisk;
  readonly log: MemoryLogSink;
  readonly tickMs: number;
}

function makeRig(): Rig {
  const config = testHostConfig({ storeRoot: '/store', workers: 1, disk: 'memfs', logPath: '' });
  const buffers = createRunBuffers(config);
  const clock = new SimClock();
  const disk = new MemDisk();
  const log = new MemoryLogSink();
  const host = new NodeHost({
    workerId: 0,
    config,
    buffers,
    transport: {
      send: () => {
        throw new Error('single worker: nothing to send');
      },
    },
    disk,
    clock,
    log,
  });
  return { host, config, buffers, clock, disk, log, tickMs: (config.timeScaleMs * NATS_TICK_MS) / 1000 };
}

/** Everything the host changes when an I/O chain makes progress (routes, delivers, writes, fails). */
function progressSignature(host: NodeHost): string {
  const s = host.stats();
  return [s.messagesSent, s.messagesDelivered, s.messagesDropped, s.tavWrites, s.tav.enoent, s.tav.other].join('/');
}

/**
 * Waits until no ready I/O chain is left. `quiesce()` awaits the chains pending when it is called;
 * a chain that finishes and spawns another one (a write, then routing that makes a peer write)
 * always routes or delivers a message, so an unchanged signature after a quiesce means none is left.
 */
async function settle(host: NodeHost): Promise<void> {
  for (let round = 0; round < 1_000; round++) {
    const before = progressSignature(host);
    await host.quiesce();
    await new Promise<void>((resolve) => setImmediate(resolve));
    if (progressSignature(host) === before) return;
  }
  throw new Error('I/O did not settle within 1,000 rounds');
}

async function tick(rig: Rig): Promise<void> {
  rig.clock.advanceMs(rig.tickMs);
  rig.host.tickAll();
  await settle(rig.host);
}

/** Two paused creators of (S0, g0) in this isolate, plus the plain creates of S1 and S2. */
async function createGroup0(rig: Rig, strategy: StrategyName): Promise<CreateResult[]> {
  const ctl = new SharedCounters(PAUSE_COUNTERS);
  const pause = { ctl: ctl.buffer, callers: 2, timeoutMs: PAUSE_TIMEOUT_MS };
  const r = await Promise.all([
    rig.host.create(0, 0, strategy, pause),
    rig.host.create(0, 0, strategy, pause),
    rig.host.create(1, 0, strategy),
    rig.host.create(2, 0, strategy),
  ]);
  await settle(rig.host);
  return r;
}

async function tickUntilLeader(rig: Rig): Promise<number> {
  for (let t = 1; t <= ELECTION_TICKS_MAX; t++) {
    await tick(rig);
    if (rig.host.census().some((e) => e.role === 'leader')) return t;
  }
  throw new Error(`no leader after ${ELECTION_TICKS_MAX} ticks`);
}

/** NATS's delete: for each server, `Delete()` the instance its assignment references. */
async function deleteGroup0(rig: Rig, strategy: StrategyName): Promise<number[]> {
  const { config, buffers, host } = rig;
  const assignments = new SharedIntTable(config.servers * config.groupsMax, buffers.assignments);
  const deleted: number[] = [];
  for (let server = 0; server < config.servers; server++) {
    const id = assignments.get(server * config.groupsMax + 0);
    assert.notEqual(id, 0, `S${server} has an assignment for g0`);
    const r = await host.delete(server, 0, id, strategy);
    assert.ok(r.ok, JSON.stringify(r));
    deleted.push(id);
  }
  await settle(host);
  return deleted;
}

function instancesOf(census: readonly CensusEntry[], server: number, group: number): CensusEntry[] {
  return census.filter((e) => e.server === server && e.group === group);
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

interface RacySummary {
  readonly leaderAfterTicks: number;
  readonly survivor: number;
  readonly deleted: readonly number[];
  readonly failures: number;
  readonly termDelta: number;
  readonly lines: readonly string[];
}

/**
 * The racy run, asserted step by step; returns what a second run with the same seed must repeat
 * exactly (the determinism test compares two of them).
 */
async function racyScenario(): Promise<RacySummary> {
  const rig = makeRig();
  const { host, log } = rig;
  const r = await createGroup0(rig, 'racy');
  assert.ok(r.every((x) => x.ok), JSON.stringify(r));
  const [a, b] = r as [Extract<CreateResult, { ok: true }>, Extract<CreateResult, { ok: true }>];
  assert.ok(a.built && b.built, 'both racy creators passed the check and built');
  assert.notEqual(a.instanceId, b.instanceId);
  assert.equal(instancesOf(host.census(), 0, 0).length, 2, 'two instances of (S0, g0)');
  assert.equal(host.census().length, 4);

  const leaderAfterTicks = await tickUntilLeader(rig);
  const deleted = await deleteGroup0(rig, 'racy');

  const afterDelete = host.census();
  assert.equal(afterDelete.length, 1, 'exactly one instance survives the delete');
  const orphan = afterDelete[0]!;
  assert.equal(orphan.server, 0);
  assert.equal(orphan.group, 0);
  assert.ok([a.instanceId, b.instanceId].includes(orphan.instanceId));
  assert.ok(!deleted.includes(orphan.instanceId), 'the survivor is the one nothing referenced');
  assert.equal(orphan.state, 'running');
  assert.equal(orphan.inRegistry, false);
  assert.equal(orphan.inAssignment, false);
  assert.equal(host.stats().tav.persistent, 0, 'nothing failed before the delete');
  assert.equal(await rig.disk.exists(`/store/S00/_js_/${groupNameOf(0)}`), false, 'the delete removed the shared store dir');
  const termAtDelete = orphan.term;
  const logLinesAtDelete = log.lines.length;

  for (let t = 0; t < TICKS_AFTER_DELETE; t++) await tick(rig);

  const left = host.census();
  assert.equal(left.length, 1, 'still exactly one instance');
  const o = left[0]!;
  assert.equal(o.instanceId, orphan.instanceId);
  assert.equal(o.inRegistry, false);
  assert.equal(o.inAssignment, false);
  assert.equal(o.role, 'candidate', 'alone, it campaigns forever');

  const stats = host.stats();
  const failures = stats.tav.persistent;
  const bounds = failureBounds(TICKS_AFTER_DELETE);
  assert.ok(failures >= bounds.min && failures <= bounds.max, `${failures} persistent failures, expected [${bounds.min}, ${bounds.max}]`);
  assert.equal(failures % 2, 0, 'two failed writes per campaign');
  assert.equal(o.tavFailures, failures, 'census per-instance failures = host persistent failures');
  assert.equal(o.term - termAtDelete, failures / 2, 'one term per campaign, two writes each');
  assert.equal(stats.tav.enoent, failures, 'every failure is ENOENT');
  assert.equal(stats.tav.other, 0);
  assert.equal(stats.tav.transient, 0, 'no deleted instance had a write in flight');
  // One NATS second of WRN expiry is 10 ticks; campaigns are >= 40 ticks apart and their two
  // writes fall in the same tick: exactly one WRN per campaign.
  assert.equal(stats.tav.warnLogged, failures / 2);
  assert.equal(stats.tav.warnSuppressed, failures / 2);

  const name = groupNameOf(0);
  const path = `/store/S00/_js_/${name}/tav.idx`;
  const lines = log.rendered().slice(logLinesAtDelete);
  const err = `[ERR] RAFT [S00node_ - ${name}] Resource not found: open ${path}: no such file or directory`;
  const wrn = `[WRN] RAFT [S00node_ - ${name}] Error writing term and vote file for "${name}": open ${path}: no such file or directory`;
  assert.equal(lines.filter((l) => l === err).length, failures, 'one ERR line per failure');
  assert.equal(lines.filter((l) => l === wrn).length, failures / 2, 'one WRN line per campaign');
  assert.equal(lines.length, failures + failures / 2, `no other lines: ${lines.filter((l) => l !== err && l !== wrn).join('\n')}`);
  assert.match(lines[0] ?? '', new RegExp(`^\\[ERR\\] RAFT \\[S00node_ - ${escapeRe(name)}\\] Resource not found: open .*tav\\.idx: no such file or directory$`));
  return { leaderAfterTicks, survivor: o.instanceId, deleted, failures, termDelta: o.term - termAtDelete, lines: log.rendered() };
}

describe('memfs, one thread, simulated time: the #5824 duplicate', () => {
  test('failure bounds follow from NATS timing', () => {
    assert.deepEqual(failureBounds(TICKS_AFTER_DELETE), { min: 62, max: 150, campaignsMin: 31, campaignsMax: 75 });
  });

  test('racy: two creators of (S0, g0) build two instances; the unreferenced one outlives the delete and fails every campaign', async (t) => {
    const out = await racyScenario();
    const bounds = failureBounds(TICKS_AFTER_DELETE);
    assert.ok(out.failures >= bounds.min && out.failures <= bounds.max);
    t.diagnostic(`leader after ${out.leaderAfterTicks} ticks; ${out.failures} persistent failures in ${TICKS_AFTER_DELETE} ticks (bounds ${bounds.min}-${bounds.max}); ${out.termDelta} campaigns`);
  });

  test('racy: the same seed gives the same run, line for line (no wall-clock dependence)', async () => {
    const first = await racyScenario();
    const second = await racyScenario();
    assert.deepEqual(second, first);
  });

  for (const strategy of ['cas', 'inflight', 'locked'] as const) {
    test(`${strategy}: two creators of (S0, g0) resolve to one instance; nothing survives the delete`, async () => {
      const rig = makeRig();
      const { host, log } = rig;
      const r = await createGroup0(rig, strategy);
      assert.ok(r.every((x) => x.ok), JSON.stringify(r));
      const [a, b] = r as [Extract<CreateResult, { ok: true }>, Extract<CreateResult, { ok: true }>];
      assert.equal(a.instanceId, b.instanceId, 'both creators resolved to the same instance');
      assert.equal(Number(a.built) + Number(b.built), 1, 'exactly one of them built it');
      const s0 = instancesOf(host.census(), 0, 0);
      assert.equal(s0.length, 1, 'exactly one instance of (S0, g0)');
      assert.ok(s0[0]!.inRegistry && s0[0]!.inAssignment);

      await tickUntilLeader(rig);
      await deleteGroup0(rig, strategy);
      assert.deepEqual(host.census(), [], 'nothing survives the delete');

      for (let t = 0; t < TICKS_AFTER_DELETE; t++) await tick(rig);

      assert.deepEqual(host.census(), []);
      assert.equal(host.hosted, 0);
      const stats = host.stats();
      assert.deepEqual(
        { ...stats.tav },
        { enoent: 0, other: 0, transient: 0, persistent: 0, warnLogged: 0, warnSuppressed: 0 },
        'zero tav.idx failures',
      );
      assert.deepEqual(log.rendered(), [], 'no ERR or WRN lines');
    });
  }
});
