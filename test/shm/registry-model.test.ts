import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { ShmError } from '../../src/shm/errors.js';
import { NameCodec } from '../../src/shm/name-codec.js';
import { SharedRegistry } from '../../src/shm/shared-registry.js';
import { churnDistinctNames } from '../fixtures/registry-churn.js';

/** The dumb reference: what the registry must behave like, one thread at a time. */
type Ref = Map<string, { state: 'reserved' | 'running'; id: number }>;

interface World {
  reg: SharedRegistry;
  ref: Ref;
  /** Ids the reference has seen, so publish/unregister can target real and stale ids. */
  ids: number[];
  /** What this run reached, for the coverage report (see the model test). */
  seen: Coverage;
}

interface Coverage {
  commands: number;
  /** Commands after which two live names shared a home slot. */
  collisions: number;
  /** Commands after which the table held at least one tombstone. */
  tombstones: number;
  /** Operations refused with RT_REGISTRY_FULL. */
  full: number;
}

const newCoverage = (): Coverage => ({ commands: 0, collisions: 0, tombstones: 0, full: 0 });
const homeCodec = new NameCodec(64);
function home(name: string): number {
  homeCodec.encode(name);
  return homeCodec.hash & (CAP - 1);
}

function observe(w: World): void {
  w.seen.commands++;
  const homes = [...w.ref.keys()].map(home);
  if (new Set(homes).size < homes.length) w.seen.collisions++;
  const st = w.reg.stats();
  if (st.used > st.live) w.seen.tombstones++;
}

const CAP = 8;
// A tiny alphabet forces hash collisions and shared probe chains; long names test the byte field.
const nameArb = fc.oneof(
  fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k'),
  fc.constantFrom('C-R3F-jvOdwUEr', 'C-R3F-jvOdwUEs', 'S-R3F-aaaaaaaa'),
  fc.constant('x'.repeat(64)),
  fc.constant('é'.repeat(32)),
);

function full(w: World): boolean {
  return w.ref.size >= CAP;
}

function expectFullOr<T>(w: World, name: string, fn: () => T): T | 'full' {
  const willInsert = !w.ref.has(name);
  try {
    return fn();
  } catch (e) {
    assert.ok(e instanceof ShmError && e.code === 'RT_REGISTRY_FULL', `unexpected error ${String(e)}`);
    assert.ok(willInsert && full(w), 'RT_REGISTRY_FULL only when the table really is full');
    w.seen.full++;
    return 'full';
  }
}

class Lookup implements fc.Command<World, World> {
  constructor(readonly name: string) {}
  check = () => true;
  run(_m: World, w: World): void {
    const got = w.reg.lookup(this.name);
    const want = w.ref.get(this.name);
    assert.deepEqual(got, want ? { state: want.state, instanceId: want.id } : { state: 'absent' });
  }
  toString = () => `lookup(${this.name})`;
}

class Register implements fc.Command<World, World> {
  constructor(readonly name: string) {}
  check = () => true;
  run(_m: World, w: World): void {
    const id = w.reg.allocateInstanceId();
    const r = expectFullOr(w, this.name, () => w.reg.register(this.name, id));
    if (r === 'full') return;
    assert.equal(r, w.ref.get(this.name)?.id ?? 0);
    w.ref.set(this.name, { state: 'running', id });
    w.ids.push(id);
  }
  toString = () => `register(${this.name})`;
}

class UnregisterByName implements fc.Command<World, World> {
  constructor(readonly name: string) {}
  check = () => true;
  run(_m: World, w: World): void {
    assert.equal(w.reg.unregisterByName(this.name), w.ref.get(this.name)?.id ?? 0);
    w.ref.delete(this.name);
  }
  toString = () => `unregisterByName(${this.name})`;
}

class Reserve implements fc.Command<World, World> {
  constructor(readonly name: string) {}
  check = () => true;
  run(_m: World, w: World): void {
    const want = w.ref.get(this.name);
    const r = expectFullOr(w, this.name, () => w.reg.reserve(this.name));
    if (r === 'full') return;
    if (!want) {
      assert.equal(r.kind, 'won');
      w.ref.set(this.name, { state: 'reserved', id: r.instanceId });
      w.ids.push(r.instanceId);
    } else {
      assert.equal(r.kind, want.state);
      assert.equal(r.instanceId, want.id);
    }
  }
  toString = () => `reserve(${this.name})`;
}

/** Publish/cancel/unregisterInstance with either the current id or a stale one. */
class ByInstance implements fc.Command<World, World> {
  constructor(
    readonly op: 'publish' | 'cancel' | 'unregisterInstance',
    readonly name: string,
    readonly pick: number,
  ) {}
  check = () => true;
  run(_m: World, w: World): void {
    const cur = w.ref.get(this.name);
    const id = cur && this.pick % 2 === 0 ? cur.id : (w.ids[this.pick % Math.max(1, w.ids.length)] ?? 1);
    const matches = cur?.id === id;
    if (this.op === 'publish') {
      if (matches && cur.state === 'reserved') {
        w.reg.publish(this.name, id);
        w.ref.set(this.name, { state: 'running', id });
      } else {
        assert.throws(() => w.reg.publish(this.name, id), (e: unknown) => e instanceof ShmError && e.code === 'RT_LOCK_MISUSE');
      }
      return;
    }
    const wantState = this.op === 'cancel' ? 'reserved' : 'running';
    const ok = this.op === 'cancel' ? w.reg.cancelReservation(this.name, id) : w.reg.unregisterInstance(this.name, id);
    assert.equal(ok, matches && cur.state === wantState);
    if (ok) w.ref.delete(this.name);
  }
  toString = () => `${this.op}(${this.name}, pick ${this.pick})`;
}

const commands = [
  nameArb.map((n) => new Lookup(n)),
  nameArb.map((n) => new Register(n)),
  nameArb.map((n) => new UnregisterByName(n)),
  nameArb.map((n) => new Reserve(n)),
  fc.tuple(fc.constantFrom('publish' as const, 'cancel' as const, 'unregisterInstance' as const), nameArb, fc.nat(50)).map(([op, n, p]) => new ByInstance(op, n, p)),
];

test('registry behaves like a Map under random command sequences (collisions, tombstones, full table, long names)', (t) => {
  // size 'max': without it fast-check 4 generates about ten commands per run whatever maxCommands
  // says, and collisions, tombstones and the full table are rarely reached.
  const total = newCoverage();
  const runs = { n: 0, withFull: 0, withTombstones: 0 };
  fc.assert(
    fc.property(fc.commands(commands, { maxCommands: 300, size: 'max' }), (cmds) => {
      const w: World = { reg: SharedRegistry.create({ capacity: CAP, nameBytesMax: 64 }), ref: new Map(), ids: [], seen: newCoverage() };
      const observed = [...cmds].map((c) => ({
        check: () => true,
        run: (m: World, r: World) => {
          c.run(m, r);
          observe(r);
        },
        toString: () => c.toString(),
      }));
      fc.modelRun(() => ({ model: w, real: w }), observed);
      runs.n++;
      if (w.seen.full > 0) runs.withFull++;
      if (w.seen.tombstones > 0) runs.withTombstones++;
      for (const k of Object.keys(total) as (keyof Coverage)[]) total[k] += w.seen[k];
      // Final cross-check of the whole table and its counters.
      const snap = new Map(w.reg.snapshot().map((e) => [e.name, { state: e.state, id: e.instanceId }]));
      assert.deepEqual(snap, w.ref);
      assert.equal(w.reg.stats().live, w.ref.size);
      assert.ok(w.reg.stats().used <= CAP);
    }),
    { numRuns: 200 },
  );
  t.diagnostic(
    `model coverage: ${runs.n} runs, ${total.commands} commands (${(total.commands / runs.n).toFixed(0)}/run); after-command states with a home-slot collision ${pct(total.collisions, total.commands)}, with a tombstone ${pct(total.tombstones, total.commands)}; runs that hit a full table ${runs.withFull}, that held a tombstone ${runs.withTombstones}; RT_REGISTRY_FULL refusals ${total.full}`,
  );
  // The test must keep reaching what it claims to test (a generator change that loses it fails here).
  assert.ok(total.commands / runs.n >= 100, 'runs are long');
  assert.ok(runs.withFull >= runs.n / 10 && runs.withTombstones >= runs.n / 2 && total.collisions > 0, JSON.stringify({ runs, total }));
});

const pct = (a: number, b: number) => `${((100 * a) / b).toFixed(0)}%`;

test('tombstones are reclaimed: 10,000 distinct names through an 8-slot table', () => {
  const reg = SharedRegistry.create({ capacity: 8 });
  for (let i = 0; i < 10_000; i++) {
    const name = `C-R3F-${i}`;
    const r = reg.reserve(name);
    assert.equal(r.kind, 'won');
    reg.publish(name, r.instanceId);
    if (i >= 5) {
      const old = `C-R3F-${i - 5}`;
      const e = reg.lookup(old);
      assert.equal(e.state, 'running');
      if (e.state === 'running') assert.ok(reg.unregisterInstance(old, e.instanceId));
    }
  }
  assert.equal(reg.stats().live, 5);
});

test('a full table is a typed error, and a removal makes room again', () => {
  const reg = SharedRegistry.create({ capacity: 4 });
  for (const n of ['a', 'b', 'c', 'd']) reg.register(n, reg.allocateInstanceId());
  assert.throws(() => reg.reserve('e'), (e: unknown) => e instanceof ShmError && e.code === 'RT_REGISTRY_FULL' && /4 slots/.test(e.message));
  assert.throws(() => reg.register('e', reg.allocateInstanceId()), (e: unknown) => e instanceof ShmError && e.code === 'RT_REGISTRY_FULL');
  // Existing names still resolve while full, without an endless probe.
  assert.equal(reg.lookup('a').state, 'running');
  assert.equal(reg.lookup('zz').state, 'absent');
  reg.unregisterByName('b');
  assert.equal(reg.reserve('e').kind, 'won');
});

test('instance ids are unique and never reused, across attachments of one buffer', () => {
  const a = SharedRegistry.create({ capacity: 16 });
  const b = SharedRegistry.attach(a.buffer, 1);
  const seen = new Set<number>();
  for (let i = 0; i < 1000; i++) {
    for (const id of [a.allocateInstanceId(), b.allocateInstanceId()]) {
      assert.ok(!seen.has(id));
      seen.add(id);
    }
  }
  assert.equal(Math.min(...seen), 1);
});

test('under long churn of distinct names, tombstones are compacted by inserts: occupancy stays bounded', () => {
  const reg = SharedRegistry.create({ capacity: 1024 });
  const usedMax = churnDistinctNames(reg, { names: 100_000, live: 100, sampleEvery: 1000 });
  // Without compaction every slot would end up a tombstone and every miss would scan the table.
  assert.ok(usedMax < 0.75 * 1024, `used peaked at ${usedMax} of 1024 slots with 100 live`);
  assert.equal(reg.stats().live, 100);
});
