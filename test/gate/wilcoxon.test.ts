import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { hodgesLehmann, holm, signedRankP } from '../../src/gate/wilcoxon.js';

/** Dumb reference: enumerate every sign assignment, midranks computed the slow way. */
function bruteP(d: number[]): number {
  const nz = d.filter((x) => x !== 0);
  if (nz.length === 0) return 1;
  const abs = nz.map(Math.abs);
  const rank = abs.map((a) => abs.filter((b) => b < a).length + (abs.filter((b) => b === a).length + 1) / 2);
  const w = nz.reduce((s, x, i) => (x > 0 ? s + rank[i]! : s), 0);
  let le = 0;
  let ge = 0;
  const all = 2 ** nz.length;
  for (let m = 0; m < all; m++) {
    let s = 0;
    for (let i = 0; i < nz.length; i++) if (m & (1 << i)) s += rank[i]!;
    if (s <= w + 1e-9) le++;
    if (s >= w - 1e-9) ge++;
  }
  return Math.min(1, (2 * Math.min(le, ge)) / all);
}

test('exact signed-rank p equals brute-force enumeration, ties and zeros included', () => {
  fc.assert(
    fc.property(fc.array(fc.integer({ min: -6, max: 6 }), { minLength: 1, maxLength: 12 }), (xs) => {
      const d = xs.map((x) => x / 4);
      assert.ok(Math.abs(signedRankP(d) - bruteP(d)) < 1e-12, JSON.stringify(d));
    }),
    { numRuns: 300 },
  );
});

test('textbook values: 8 pairs all one way give p = 2/2^8; symmetric data give p = 1', () => {
  assert.equal(signedRankP([1, 2, 3, 4, 5, 6, 7, 8]), 2 / 256);
  assert.equal(signedRankP([-1, -2, -3, -4, -5, -6, -7, -8]), 2 / 256);
  assert.equal(signedRankP([1, -1, 2, -2]), 1);
  assert.equal(signedRankP([0, 0]), 1);
});

test('Hodges–Lehmann interval: n = 8 uses the critical value 3 of the tables (coverage 1 − 10/256)', () => {
  const d = [0.11, 0.02, 0.07, 0.15, 0.09, 0.05, 0.12, 0.08];
  const e = hodgesLehmann(d);
  assert.ok(Math.abs(e.achievedConfidence - (1 - 10 / 256)) < 1e-12);
  const walsh: number[] = [];
  for (let i = 0; i < d.length; i++) for (let j = i; j < d.length; j++) walsh.push((d[i]! + d[j]!) / 2);
  walsh.sort((a, b) => a - b);
  assert.equal(e.lo, walsh[3]);
  assert.equal(e.hi, walsh[walsh.length - 4]);
  assert.ok(e.lo <= e.estimate && e.estimate <= e.hi);
});

test('the interval is shift-equivariant and never narrower than requested', () => {
  fc.assert(
    fc.property(fc.array(fc.double({ min: -1, max: 1, noNaN: true }), { minLength: 6, maxLength: 30 }), fc.double({ min: -2, max: 2, noNaN: true }), (d, shift) => {
      const a = hodgesLehmann(d);
      const b = hodgesLehmann(d.map((x) => x + shift));
      assert.ok(Math.abs(b.estimate - a.estimate - shift) < 1e-9);
      assert.ok(a.lo !== null && b.lo !== null && Math.abs(b.lo - a.lo - shift) < 1e-9);
      assert.ok(a.achievedConfidence >= 0.95);
    }),
    { numRuns: 200 },
  );
});

test('too few pairs for a 95% interval: bounds are null, never a made-up interval', () => {
  const e = hodgesLehmann([0.1, 0.2, 0.3, 0.4, 0.5]);
  assert.equal(e.lo, null);
  assert.equal(e.hi, null);
});

test('Holm step-down adjusts in the input order and stays monotone', () => {
  assert.deepEqual(holm([0.01, 0.04, 0.03, 0.005]).map((p) => +p.toFixed(10)), [0.03, 0.06, 0.06, 0.02]);
  assert.deepEqual(holm([0.5]), [0.5]);
  assert.deepEqual(holm([0.9, 0.9]), [1, 1]);
});
