/**
 * TimerWheel against a plain map of due ticks: same slots due at every tick, laps and moves
 * included; with its due ticks in an array of their own and in the host's park records (the
 * table's record moves first on a swap-remove, as HostedSet.stop does).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { DueArray, TimerWheel, WHEEL_BUCKETS } from '../../src/host/timer-wheel.js';
import { ParkTable } from '../../src/host/park-table.js';

type Op = { kind: 'schedule'; slot: number; ahead: number } | { kind: 'cancel'; slot: number } | { kind: 'move'; from: number; to: number } | { kind: 'advance'; ticks: number };

const SLOTS = 40;
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('schedule' as const), slot: fc.nat(SLOTS - 1), ahead: fc.oneof(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 3 * WHEEL_BUCKETS })) }),
  fc.record({ kind: fc.constant('cancel' as const), slot: fc.nat(SLOTS - 1) }),
  fc.record({ kind: fc.constant('move' as const), from: fc.nat(SLOTS - 1), to: fc.nat(SLOTS - 1) }),
  fc.record({ kind: fc.constant('advance' as const), ticks: fc.integer({ min: 1, max: 2 * WHEEL_BUCKETS }) }),
);

for (const [what, maxBuckets] of [['kept at 256 buckets', WHEEL_BUCKETS], ['widening', undefined]] as const) {
for (const inRecords of [false, true]) {
test(`the wheel (${what}, due ticks ${inRecords ? 'in park records' : 'in an array'}) yields exactly the slots a plain map says are due, at every tick (laps, moves, cancels)`, () => {
  fc.assert(
    fc.property(fc.array(op, { maxLength: 120 }), (ops) => {
      const table = new ParkTable();
      const wheel = new TimerWheel(maxBuckets, inRecords ? table : new DueArray());
      const model = new Map<number, number>();
      let now = 0;
      for (const o of ops) {
        if (o.kind === 'schedule') {
          wheel.schedule(o.slot, now + o.ahead);
          model.set(o.slot, now + o.ahead);
        } else if (o.kind === 'cancel') {
          wheel.cancel(o.slot);
          model.delete(o.slot);
        } else if (o.kind === 'move') {
          if (o.from === o.to || model.has(o.to)) continue; // the host only moves into a free slot
          if (inRecords) table.move(o.from, o.to);
          wheel.move(o.from, o.to);
          const d = model.get(o.from);
          model.delete(o.from);
          if (d !== undefined) model.set(o.to, d);
        } else {
          for (let i = 0; i < o.ticks; i++) {
            now++;
            const got: number[] = [];
            wheel.takeDue(now, got);
            const want = [...model].filter(([, d]) => d === now).map(([s]) => s);
            assert.deepEqual(got.sort((a, b) => a - b), want.sort((a, b) => a - b), `tick ${now}`);
            for (const s of want) model.delete(s);
          }
        }
        for (let s = 0; s < SLOTS; s++) assert.equal(wheel.dueOf(s), model.get(s) ?? -1);
      }
    }),
    { numRuns: 300 },
  );
});
}
}

test('a timer a lap or more ahead widens the wheel, so no bucket holds timers of later laps', () => {
  const wheel = new TimerWheel();
  assert.equal(wheel.buckets, WHEEL_BUCKETS);
  for (let s = 0; s < 100; s++) wheel.schedule(s, 1 + s * 100); // up to 9,901 ticks ahead
  assert.equal(wheel.buckets, 16_384);
  for (let t = 1; t <= 10_000; t++) {
    const got: number[] = [];
    wheel.takeDue(t, got);
    assert.deepEqual(got, (t - 1) % 100 === 0 ? [(t - 1) / 100] : [], `tick ${t}`);
  }
});

test('slots beyond the initial capacity are scheduled (the arrays grow)', () => {
  const wheel = new TimerWheel();
  wheel.schedule(5000, 3);
  const got: number[] = [];
  wheel.takeDue(3, got);
  assert.deepEqual(got, [5000]);
});

test('stale entries are dropped when their bucket comes round: a lap leaves one entry per scheduled slot', () => {
  fc.assert(
    fc.property(fc.array(fc.tuple(fc.nat(SLOTS - 1), fc.integer({ min: 1, max: WHEEL_BUCKETS - 1 })), { maxLength: 400 }), (plan) => {
      const wheel = new TimerWheel(WHEEL_BUCKETS);
      // Every slot rescheduled many times within one lap (a follower's election timer on each heartbeat).
      for (const [slot, ahead] of plan) wheel.schedule(slot, ahead);
      const live = new Set(plan.map(([s]) => s)).size;
      assert.ok(wheel.entries >= live);
      // Take every bucket once without reaching any due tick that is still scheduled.
      const got: number[] = [];
      for (let t = 1; t <= WHEEL_BUCKETS; t++) wheel.takeDue(t, got);
      assert.equal(got.length, live, 'every scheduled slot came due exactly once');
      assert.equal(wheel.entries, 0, 'nothing stale is left behind');
    }),
    { numRuns: 200 },
  );
});
