/**
 * The gate suite's catalog: names are the history's keys, so they must be unique and stable in
 * shape; every name must be one the harness can measure (a typo would only show as "the base
 * cannot run it" on CI, never judged); the quick suite keeps what the issue requires of it.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CATALOG, suiteOf } from '../../bench/gate/catalog.js';
import { benchmarkRunner } from '../../bench/gate/measure.js';
import { STRATEGY_NAMES } from '../../src/create/strategy.js';

test('every catalog benchmark has a unique name the harness can measure; unknown names have none', () => {
  const names = CATALOG.map((b) => b.name);
  assert.equal(new Set(names).size, names.length, 'unique names');
  for (const n of names) {
    assert.match(n, /^[a-z]+(\.[a-z0-9-]+)+$/, n);
    assert.notEqual(benchmarkRunner(n), null, `${n} is measurable`);
  }
  for (const bad of ['registry.lookup', 'goc.cas', 'goc.nope.2t-shared', 'churn.cas.2t-shared', 'host.tick', '']) assert.equal(benchmarkRunner(bad), null, bad);
});

test('the quick suite has each strategy\'s creation path and the registry; full has everything quick has, plus hosting cost', () => {
  const quick = suiteOf('quick').map((b) => b.name);
  const full = suiteOf('full').map((b) => b.name);
  for (const s of STRATEGY_NAMES) assert.ok(quick.some((n) => n.startsWith(`goc.${s}.`)), `quick has goc.${s}`);
  assert.ok(quick.some((n) => n.startsWith('registry.')), 'quick has a registry benchmark');
  for (const n of quick) assert.ok(full.includes(n), `${n} in full`);
  for (const n of ['host.tick-due-3k-idle', 'host.heap-per-idle-node-3k']) assert.ok(full.includes(n), n);
});
