/**
 * measureOrphanRate on real threads, small: every group gets exactly one duplicate (a forced racy
 * interleaving, not luck), so there is exactly one orphan per group, alone in its group, and its
 * tav.idx failure rate per NATS second (time counted in ticks the hosts really ran) must be what
 * NATS's timing implies: 2 failed writes per campaign, a campaign every 4–9 NATS seconds.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EXPECTED_ORPHAN_FAILURES_PER_NATS_SECOND } from '../../src/scenario/observe.js';
import { measureOrphanRate } from '../../src/scenario/orphan-rate.js';

test('one lonely orphan per group; its failure rate lies within what 4–9 s campaigns allow', async (t) => {
  const groups = 3;
  const window = 90;
  const r = await measureOrphanRate({ groups, workers: 2, timeScaleMs: 2, observeNatsSeconds: window, seed: 5 });
  t.diagnostic(JSON.stringify(r));
  assert.equal(r.orphansAtEnd, groups, 'the forced interleaving leaves exactly one orphan per group');
  assert.equal(r.orphansObserved, groups, 'each alone in its group, observed over the whole window');
  // NATS time is counted in ticks the hosts really ran (fewer than the window under load: late ticks
  // slow NATS time down), so the bounds below are in that time, never in wall-clock time.
  assert.ok(r.natsSeconds > 0, `NATS seconds of ticks in the window: ${r.natsSeconds}`);
  assert.ok(r.failuresPerNatsSecond !== null);
  // Per orphan: one campaign per 4–9 NATS s, 2 writes each; ±1 campaign at the window's edges.
  const lo = (2 * (Math.floor(r.natsSeconds / 9) - 1)) / r.natsSeconds;
  const hi = (2 * (Math.ceil(r.natsSeconds / 4) + 1)) / r.natsSeconds;
  assert.ok(r.failuresPerNatsSecond >= lo && r.failuresPerNatsSecond <= hi, `rate ${r.failuresPerNatsSecond} outside [${lo}, ${hi}]`);
  assert.equal(r.failures, Math.round(r.failuresPerNatsSecond * groups * r.natsSeconds));
  assert.equal(r.expectedPerNatsSecond, EXPECTED_ORPHAN_FAILURES_PER_NATS_SECOND);
  assert.equal(r.relativeError, (r.failuresPerNatsSecond - EXPECTED_ORPHAN_FAILURES_PER_NATS_SECOND) / EXPECTED_ORPHAN_FAILURES_PER_NATS_SECOND);
});
