import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildConfig } from '../../src/scenario/config.js';
import { latencySummary, partialReason, resultHead, startRun, throughputOf, type RunProgress } from '../../src/scenario/run-common.js';

test('throughput: a phase timed alone is divided by its own seconds, failures are not counted, groups by the churn', () => {
  const base = { creates: 110, createFailures: 10, deletes: 60, deleteFailures: 0, groupsCycled: 50, churnSeconds: 10, createSeconds: 0, deleteSeconds: 0 };
  assert.deepEqual(throughputOf(base), { createsPerSec: 10, deletesPerSec: 6, groupsPerSec: 5, churnSeconds: 10 });
  // deletePhase 'after': 100 creates in 4 s, 60 deletes in 2 s, whatever the churn's 10 s.
  assert.deepEqual(throughputOf({ ...base, createSeconds: 4, deleteSeconds: 2 }), { createsPerSec: 25, deletesPerSec: 30, groupsPerSec: 5, churnSeconds: 10 });
  // A run that never churned divides by a floor, not by zero.
  assert.ok(Number.isFinite(throughputOf({ ...base, churnSeconds: 0 }).createsPerSec));
});

test('the run clock reports starting with the group count, and the head names the run', () => {
  const seen: RunProgress[] = [];
  const cfg = buildConfig({ groups: 7, seed: 9 });
  const clock = startRun(cfg, (p) => seen.push(p));
  clock.progress('churn', 3);
  assert.deepEqual(seen, [{ phase: 'starting', groupsDone: 0, groups: 7 }, { phase: 'churn', groupsDone: 3, groups: 7 }]);
  const head = resultHead(cfg, clock, true, 'boom');
  assert.equal(head.seed, 9);
  assert.equal(head.config, cfg);
  assert.equal(head.startedAt, clock.started.toISOString());
  assert.ok(head.wallSeconds >= 0);
  assert.deepEqual([head.partial, head.harnessFailure], [true, 'boom']);
  assert.match(partialReason('boom'), /harness failure/);
  assert.match(partialReason(null), /interrupted/);
  assert.deepEqual(latencySummary([]), { n: 0, p50: latencySummary([]).p50, p99: latencySummary([]).p99, max: 0 });
  assert.equal(latencySummary([5, 1, 3]).max, 5);
});
