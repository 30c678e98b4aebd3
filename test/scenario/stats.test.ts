import assert from 'node:assert/strict';
import { test } from 'node:test';
import { wilsonInterval } from '../../src/scenario/binomial.js';
import { ratio, summarize } from '../../src/scenario/stats.js';

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
  assert.ok(r.low <= r.median && r.median <= r.high);
  assert.throws(() => summarize([]), RangeError);
});
