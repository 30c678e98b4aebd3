import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { modelProfileFor, sideConfig, type CalibrationResult, type CalibrationRun, type Side } from '../../bench/scenario/calibration.js';
import { binomialCdf, clopperPearson, decide, deletionsNeeded, poolable, poolSide, rateRatioInterval, transientVerdict } from '../../bench/scenario/calibration-transient.js';

const close = (a: number, b: number, eps = 1e-4): boolean => Math.abs(a - b) <= eps;

test('the model side runs the real server\'s version profile and creation path; only k differs between the model shapes', () => {
  const p = modelProfileFor('2.9.10');
  assert.equal(p.version, '2.9.10');
  assert.equal(p.strategy, 'racy');
  assert.match(p.label, /racy on v2\.9\.10 \(as shipped\), `--nats-version 2\.9\.10` \(the real server's version\)/);
  const o = { groups: 50, deletePhase: 'after' as const, seed: 3, workers: 2 };
  const [real, model, k1] = (['real', 'model', 'modelK1'] as const).map((s) => sideConfig(s, p, o));
  for (const c of [model!, k1!]) {
    assert.equal(c.natsVersion, '2.9.10');
    assert.equal(c.strategy, 'racy');
    assert.equal(c.target, 'workers');
  }
  assert.equal(real!.target, 'nats');
  assert.equal(model!.callersPerCreate, 2);
  assert.equal(k1!.callersPerCreate, 1);
  // A server version without a profile: the nearest modelled one below, labelled; its own creation path.
  const q = modelProfileFor('2.10.20');
  assert.equal(q.version, '2.10.18');
  assert.match(q.label, /nearest modelled version to the real server's 2\.10\.20/);
  const r = modelProfileFor('2.11.0');
  assert.deepEqual([r.version, r.strategy], ['2.10.28', 'racy']);
  assert.equal(modelProfileFor('2.14.0').strategy, 'inflight');
});

test('Clopper–Pearson matches tabled values and brackets the observed proportion', () => {
  assert.ok(close(clopperPearson(0, 10).high, 0.30850));
  const five = clopperPearson(5, 10);
  assert.ok(close(five.low, 0.18709) && close(five.high, 0.81291));
  const two = clopperPearson(2, 1700);
  assert.ok(close(two.low, 0.000142508, 1e-7) && close(two.high, 0.0042433, 1e-6));
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 300 }).chain((n) => fc.tuple(fc.integer({ min: 0, max: n }), fc.constant(n))), ([x, n]) => {
      const { low, high } = clopperPearson(x, n);
      assert.ok(low <= x / n && x / n <= high);
      // The defining equations: each end leaves 2.5% in its tail.
      if (x < n) assert.ok(close(binomialCdf(x, n, high), 0.025, 1e-6));
      if (x > 0) assert.ok(close(1 - binomialCdf(x - 1, n, low), 0.025, 1e-6));
    }),
  );
  assert.throws(() => clopperPearson(3, 2), RangeError);
});

test('the rate-ratio interval inverts when the sides swap, scales with exposure, and decides only when it must', () => {
  fc.assert(
    fc.property(fc.nat(40), fc.nat(40), fc.integer({ min: 1, max: 5000 }), fc.integer({ min: 1, max: 5000 }), (xm, xr, nm, nr) => {
      fc.pre(xm + xr > 0);
      const a = rateRatioInterval(xm, nm, xr, nr);
      const b = rateRatioInterval(xr, nr, xm, nm);
      // Swapping model and real inverts the interval: low = 1 / high' (0 ↔ ∞ included).
      if (b.high === Infinity) assert.equal(a.low, 0);
      else assert.ok(Math.abs(a.low * b.high - 1) < 1e-6);
      if (xr > 0 && xm > 0) assert.ok(a.low <= a.ratio && a.ratio <= a.high);
    }),
  );
  // Same counts, same exposure: ratio 1, interval about 1/2.7–2.7 with 10 each: within 3×.
  const even = rateRatioInterval(10, 5000, 10, 5000);
  assert.equal(even.ratio, 1);
  assert.equal(decide(even), 'within');
  // Equal rates from 2 failures each: the point says 1×, the interval cannot tell.
  assert.equal(decide(rateRatioInterval(2, 1000, 2, 1000)), 'undetermined');
  // 2 real failures against none in the model: 0 to 5.3×: cannot tell.
  assert.equal(decide(rateRatioInterval(0, 1700, 2, 1700)), 'undetermined');
  // 60 against 2 in equal exposure: far beyond 3×.
  assert.equal(decide(rateRatioInterval(60, 1000, 2, 1000)), 'beyond');
  // No failure anywhere: nothing bounds the ratio.
  assert.deepEqual([rateRatioInterval(0, 10, 0, 10).low, rateRatioInterval(0, 10, 0, 10).high], [0, Infinity]);
});

test('deletionsNeeded is the smallest exposure that decides at the given rates', () => {
  for (const [real, model] of [[0.0012, 0.0012], [0.0012, 0], [0.0012, 0.012], [0.01, 0.004]] as const) {
    const n = deletionsNeeded(real, model)!;
    const at = (k: number): string => decide(rateRatioInterval(Math.round(model * k), k, Math.round(real * k), k));
    assert.notEqual(at(n), 'undetermined', `${real}, ${model}: decided at ${n}`);
    assert.equal(at(Math.floor(n * 0.9)), 'undetermined', `${real}, ${model}: not yet at 0.9 × ${n}`);
  }
  assert.equal(deletionsNeeded(0, 0.001), null);
});

function run(side: Side, transient: number, deletions: number, harnessFailure: string | null = null): CalibrationRun {
  return { side, repeat: 0, seed: 1, outcome: 'clean', harnessFailure, wallSeconds: 1, figures: { consumerCreatesPerSec: 1, consumerDeletesPerSec: 1, createLatencyMsP50: 1, transientPerDeletion: transient / deletions, persistentOrphans: 0, transient, deletions } };
}

function report(runs: CalibrationRun[], over: { version?: string; modelVersion?: '2.9.10' | '2.10.18'; callers?: number } = {}): CalibrationResult {
  return {
    available: true,
    server: { path: '/x', version: over.version ?? '2.9.10' },
    ...(over.modelVersion ? { modelVersion: over.modelVersion } : {}),
    modelLabel: 'm',
    shape: { servers: 3, replicas: 3, concurrency: 16, callersPerCreate: (over.callers ?? 2) as 2, callerSpreadMs: 2, groupLifetimeMs: 20, entriesPerSecondPerGroup: 10, timeScaleMs: 1000, observeNatsSeconds: 0, groups: 200, deletePhase: 'after' },
    runs,
  };
}

test('pooling: real runs from every report of the shape, model runs only from the current model version, failed runs left out', () => {
  const old = report([run('real', 2, 1700), run('modelK1', 0, 1700)]);
  const a = report([run('real', 1, 400), run('modelK1', 3, 400), run('modelK1', 50, 400, 'worker died')], { modelVersion: '2.9.10' });
  const pooled = poolable([old, a]);
  assert.deepEqual(poolSide(pooled, 'real'), { transient: 3, deletions: 2100, runs: 2 });
  assert.deepEqual(poolSide(pooled, 'modelK1'), { transient: 3, deletions: 400, runs: 1 });
  assert.throws(() => poolable([a, report([], { version: '2.10.18', modelVersion: '2.9.10' })]), /server versions differ/);
  assert.throws(() => poolable([a, report([], { modelVersion: '2.9.10', callers: 1 })]), /shape\.callersPerCreate differs/);
  const bigger = report([]);
  assert.throws(() => poolable([a, { ...bigger, shape: { ...bigger.shape, groups: 400 } }]), /shape\.groups differs/);
  assert.match(transientVerdict(poolSide(pooled, 'modelK1'), poolSide(pooled, 'real'), 'k1'), /undetermined.*deletions per side would decide/);
  assert.match(transientVerdict({ transient: 0, deletions: 0, runs: 0 }, poolSide(pooled, 'real'), 'k1'), /not run on both sides/);
});
