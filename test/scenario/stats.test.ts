import assert from 'node:assert/strict';
import { test } from 'node:test';
import { wilsonInterval } from '../../src/scenario/binomial.js';
import { percentile, ratio, summarize } from '../../src/scenario/stats.js';

test('Wilson interval matches published values and stays inside [0, 1]', () => {
  // 10 of 10: the classic 95% interval is [0.722, 1].
  const all = wilsonInterval(10, 10);
  assert.equal(all.rate, 1);
  assert.ok(Math.abs(all.low - 0.7225) < 1e-3, String(all.low));
  assert.equal(all.high, 1);
  // 0 of 20: [0, 0.161].
  const none = wilsonInterval(0, 20);
  assert.equal(none.low, 0);
  assert.ok(Math.abs(none.high - 0.1611) < 1e-3, String(none.high));
  // 5 of 10: symmetric around 0.5, [0.237, 0.763].
  const half = wilsonInterval(5, 10);
  assert.ok(Math.abs(half.low - 0.2366) < 1e-3 && Math.abs(half.high - 0.7634) < 1e-3);
  assert.throws(() => wilsonInterval(3, 2), RangeError);
});

test('summaries are medians and quartiles; ratios carry a conservative range', () => {
  const a = summarize([10, 12, 11, 13, 100]);
  assert.equal(a.median, 12);
  assert.equal(a.n, 5);
  assert.equal(a.min, 10);
  assert.equal(a.max, 100);
  const b = summarize([5, 6, 6, 6, 7]);
  const r = ratio(a, b);
  assert.equal(r.median, 2);
  // Conservative: a's lower quartile over b's upper one, and the reverse.
  assert.deepEqual([a.p25, a.p75, b.p25, b.p75], [11, 13, 6, 6]);
  assert.equal(r.low, 11 / 6);
  assert.equal(r.high, 13 / 6);
  assert.deepEqual(ratio(a, summarize([0])), { median: Infinity, low: Infinity, high: Infinity }, 'no division by zero');
  assert.equal(a.iqrPct, ((13 - 11) / 12) * 100);
  assert.equal(summarize([0, 0]).iqrPct, 0);
  assert.throws(() => summarize([]), RangeError);
});

test('percentile of unsorted values (latency p50/p99): sorts a copy, 0 for none', () => {
  const xs = [9, 1, 5, 3, 7];
  assert.equal(percentile(xs, 0.5), 5);
  assert.equal(percentile(xs, 1), 9);
  assert.equal(percentile(xs, 0), 1);
  assert.deepEqual(xs, [9, 1, 5, 3, 7], 'the input is not sorted in place');
  assert.equal(percentile([], 0.99), 0);
});
