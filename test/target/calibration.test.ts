import assert from 'node:assert/strict';
import { test } from 'node:test';
import { figuresOf, type CalibrationResult, type CalibrationRun, type Side } from '../../bench/scenario/calibration.js';
import { renderCalibration } from '../../bench/scenario/calibration-render.js';
import { renderReproducibility } from '../../bench/scenario/calibration-compare.js';
import { buildConfig } from '../../src/scenario/config.js';
import type { ScenarioResult } from '../../src/scenario/result.js';

/** Just the fields figuresOf reads. */
function result(target: 'nats' | 'worker_threads', k: number, createsPerSec: number, deletesPerSec: number, deletes: number, transient: number): ScenarioResult {
  return {
    target,
    config: buildConfig({ callersPerCreate: k, replicas: 3, servers: 3 }),
    throughput: { createsPerSec, deletesPerSec, groupsPerSec: 0, churnSeconds: 1 },
    latencyMs: { create: { n: 1, p50: 100, p99: 100, max: 100 }, delete: { n: 1, p50: 1, p99: 1, max: 1 } },
    counts: { deletes },
    tav: { transient },
    leaks: { orphansAtEnd: 0 },
  } as unknown as ScenarioResult;
}

test('figures are normalised to consumers: real = k API requests and 1 delete per group, model = k × R requests and R deletes', () => {
  const real = figuresOf(result('nats', 2, 20, 30, 200, 1));
  const model = figuresOf(result('worker_threads', 2, 60, 90, 600, 1));
  for (const f of [real, model]) {
    assert.equal(f.consumerCreatesPerSec, 10);
    assert.equal(f.consumerDeletesPerSec, 30);
    assert.equal(f.deletions, 200);
    assert.equal(f.transientPerDeletion, 1 / 200);
  }
});

function run(side: Side, repeat: number, creates: number, transient: number, deletions = 400): CalibrationRun {
  return {
    side, repeat, seed: 1, outcome: 'clean', harnessFailure: null, wallSeconds: 1,
    figures: { consumerCreatesPerSec: creates, consumerDeletesPerSec: 10, createLatencyMsP50: 100, transientPerDeletion: transient / deletions, persistentOrphans: 0, transient, deletions },
  };
}

function calibration(runs: CalibrationRun[]): CalibrationResult {
  return { available: true, server: { path: '/x', version: '2.9.10' }, modelLabel: 'm', shape: { servers: 3, replicas: 3, concurrency: 16, callersPerCreate: 2, callerSpreadMs: 2, groupLifetimeMs: 20, entriesPerSecondPerGroup: 10, timeScaleMs: 1000, observeNatsSeconds: 0, groups: 200, deletePhase: 'after' }, runs };
}

test('the table flags a rate gap beyond 2× and a transient gap only when the 95% intervals are apart', () => {
  const md = renderCalibration(calibration([run('real', 0, 10, 0), run('model', 0, 25, 60), run('modelK1', 0, 15, 1)]));
  const row = (label: string): string => md.split('\n').find((l) => l.startsWith(`| ${label}`)) ?? '';
  assert.match(row('consumer creates/s'), /\| 2\.50× \*\*> 2× gap\*\* \| 1\.50× \|$/);
  assert.match(row('consumer deletes/s'), /\| 1\.00× \| 1\.00× \|$/);
  assert.match(row('transient'), /\*\*> 2× gap\*\* \(intervals apart\) \| .*\(intervals overlap\) \|$/);
  assert.match(row('persistent orphans'), /= \(both 0\) \| = \(both 0\) \|$/);
  assert.equal(renderCalibration({ available: false, reason: 'no binary' }), 'Skipped: no binary');
});

test('reproducibility: a run-to-run ratio beyond the within-run spread is "no"', () => {
  const a = calibration([run('real', 0, 10, 0), run('real', 1, 12, 0)]);
  const close = renderReproducibility(a, calibration([run('real', 0, 11, 0), run('real', 1, 13, 0)]));
  const far = renderReproducibility(a, calibration([run('real', 0, 30, 0), run('real', 1, 31, 0)]));
  const creates = (md: string): string => md.split('\n').find((l) => l.startsWith('| real | consumer creates/s')) ?? '';
  assert.match(creates(close), /\| yes \|$/);
  assert.match(creates(far), /\| \*\*no\*\* \|$/);
});
