import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hodgesLehmann } from '../../src/gate/wilcoxon.js';
import { aaPairs, aaShowsDifference, abPairs, decide, DEFAULT_SETTINGS, judgeAll, type Round } from '../../src/gate/verdict.js';

/** Rounds of identical code (or head slower by `ratio`) on a machine drifting by `drift` per process position. */
function drifting(n: number, drift: number, ratio = 1, jitter: (r: number, pos: number) => number = () => 0): Round[] {
  return Array.from({ length: n }, (_, r) => {
    const order = r % 2 === 0 ? 'ABBA' : 'BAAB';
    const v = (pos: number, head: boolean): number => Math.exp(drift * (4 * r + pos) + jitter(r, pos)) * (head ? ratio : 1);
    return order === 'ABBA' ? { order, base: [v(1, false), v(4, false)], head: [v(2, true), v(3, true)] } : { order, base: [v(2, false), v(3, false)], head: [v(1, true), v(4, true)] };
  });
}

const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);

test('a linear drift of the machine cancels in the A/B pairs and in the A/A pairs over every two rounds', () => {
  for (const drift of [0.01, -0.03, 0.2]) {
    const rs = drifting(6, drift);
    assert.ok(Math.abs(sum(abPairs(rs))) < 1e-9, `A/B drift ${drift}`);
    assert.ok(Math.abs(sum(aaPairs(rs))) < 1e-9, `A/A drift ${drift}`);
  }
});

test('a real change shows in the A/B pairs and never in the A/A pairs', () => {
  const rs = drifting(6, 0.02, 1.25);
  for (const d of abPairs(rs)) assert.ok(d > 0);
  assert.ok(Math.abs(sum(aaPairs(rs))) < 1e-9);
  assert.ok(Math.abs(hodgesLehmann(abPairs(rs)).estimate - Math.log(1.25)) < 0.1);
});

test('decide: significant and beyond T → regressed / improved; inside ±T → unchanged; else inconclusive; a trailer → accepted', () => {
  const T = Math.log(1.05);
  const est = (estimate: number, lo: number, hi: number) => ({ n: 16, estimate, lo, hi, achievedConfidence: 0.95, p: 0.001 });
  const s = DEFAULT_SETTINGS;
  assert.equal(decide(est(0.1, 0.07, 0.13), 0.001, T, s, null), 'regressed');
  assert.equal(decide(est(0.1, 0.07, 0.13), 0.001, T, s, 'known cost of the fix'), 'accepted');
  assert.equal(decide(est(-0.1, -0.13, -0.07), 0.001, T, s, null), 'improved');
  assert.equal(decide(est(-0.1, -0.13, -0.07), 0.001, T, s, 'reason'), 'improved');
  assert.equal(decide(est(0.1, 0.07, 0.13), 0.2, T, s, null), 'inconclusive', 'not significant after Holm');
  assert.equal(decide(est(0.03, 0.01, 0.045), 0.001, T, s, null), 'unchanged', 'significant but below T');
  assert.equal(decide(est(0.01, -0.02, 0.04), 0.5, T, s, null), 'unchanged');
  assert.equal(decide(est(0.01, -0.02, 0.09), 0.5, T, s, null), 'inconclusive');
  assert.equal(decide(est(0.01, -0.3, 0.3), 0.5, Math.log(1.4), s, null), 'inconclusive', 'T above the ceiling: never unchanged');
  assert.equal(decide({ n: 4, estimate: 0.01, lo: null, hi: null, achievedConfidence: 0, p: 0.5 }, 0.5, T, s, null), 'inconclusive');
});

test('judgeAll: T is the larger of the floor and the A/A noise; a planted 25% regression is found among unchanged benchmarks', () => {
  let seed = 7;
  const noise = (): number => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return (seed / 2 ** 31 - 0.5) * 0.04;
  };
  const byName = new Map<string, Round[]>([
    ['a', drifting(8, 0.01, 1, noise)],
    ['b', drifting(8, -0.01, 1.25, noise)],
    ['c', drifting(8, 0, 1, noise)],
  ]);
  const j = judgeAll(byName, DEFAULT_SETTINGS, new Map());
  assert.equal(j.get('b')!.verdict, 'regressed');
  assert.equal(j.get('a')!.verdict, 'unchanged');
  assert.equal(j.get('c')!.verdict, 'unchanged');
  for (const b of j.values()) assert.ok(b.thresholdLog >= Math.log1p(DEFAULT_SETTINGS.floorPct / 100) && b.thresholdLog >= b.aaNoiseLog);
  assert.deepEqual(aaShowsDifference(j, 0.05), []);
  const acc = judgeAll(byName, DEFAULT_SETTINGS, new Map([['b', 'bigger records, on purpose']]));
  assert.equal(acc.get('b')!.verdict, 'accepted');
  assert.equal(acc.get('b')!.acceptedReason, 'bigger records, on purpose');
});

test('an A/A difference (head differs from itself between its two processes) is flagged', () => {
  // The later head process of every round is 30% slower than the earlier one: not a property of the code.
  const rs: Round[] = Array.from({ length: 8 }, (_, r) => ({ order: r % 2 === 0 ? 'ABBA' : 'BAAB', base: [1, 1], head: r % 2 === 0 ? [1, 1.3] : [1.3, 1] }));
  const j = judgeAll(new Map([['x', rs]]), DEFAULT_SETTINGS, new Map());
  assert.deepEqual(aaShowsDifference(j, 0.05), ['x']);
});
