import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runRounds } from '../../src/gate/rounds.js';
import { gateStatus } from '../../src/gate/status.js';
import { aaShowsDifference, DEFAULT_SETTINGS } from '../../src/gate/verdict.js';
import { countVerdicts, benchmarkReport } from '../../src/gate/result.js';
import { jitter, SIDES, syntheticMeasure } from './fixtures.js';

const quiet = (): void => undefined;
const never = new AbortController().signal;
const clean = (strategy: string) => ({ strategy, outcome: 'clean', duplicates: 0, orphansAtEnd: 0, reasons: [] as string[] });

async function run(value: Parameters<typeof syntheticMeasure>[0], correctness?: Parameters<typeof syntheticMeasure>[1], names = ['a', 'b'], signal = never) {
  const m = syntheticMeasure(value, correctness);
  const r = await runRounds(SIDES, names, { initialRounds: 4, maxRounds: 8 }, DEFAULT_SETTINGS, new Map(), signal, quiet, m.measure);
  const benchmarks = names.map((n) => benchmarkReport({ name: n, unit: 'ns/op', description: '' }, r.rounds.get(n)!, r.judgements.get(n)!, r.extendedFor.includes(n)));
  const status = gateStatus({ interrupted: signal.aborted, harnessFailure: null, forbidden: r.correctness.some((c) => c.outcome === 'forbidden'), aaShowsDifference: aaShowsDifference(r.judgements, 0.05), counts: countVerdicts(benchmarks) });
  return { r, status, calls: m.calls() };
}

test('rounds interleave ABBA then BAAB, four processes each, base and head alternating', async () => {
  const seen: string[] = [];
  const { r } = await run((side, name) => {
    if (name === 'a') seen.push(side);
    return 100;
  }, undefined, ['a']);
  assert.deepEqual(seen.slice(0, 8), ['base', 'head', 'head', 'base', 'head', 'base', 'base', 'head']);
  assert.deepEqual(r.rounds.get('a')!.map((x) => x.order).slice(0, 4), ['ABBA', 'BAAB', 'ABBA', 'BAAB']);
});

test('a forbidden outcome on either side makes the run forbidden whatever the timings, and stops further rounds', async () => {
  for (const bad of ['base', 'head'] as const) {
    const { status, r, calls } = await run(
      (side) => (side === 'head' ? 50 : 100), // head "2× faster": timings must not matter
      (side, name, call) => (side === bad && name === 'b' && call >= 9 ? { strategy: 'cas', outcome: 'forbidden', duplicates: 1, orphansAtEnd: 0, reasons: ['1 duplicate'] } : clean('cas')),
    );
    assert.equal(status.status, 'forbidden', bad);
    assert.ok(r.correctness.some((c) => c.side === bad && c.outcome === 'forbidden'));
    assert.ok(calls < 4 * 2 * 4, `stopped early (${calls} processes)`);
  }
});

test('racy leaking (outcome leaked) is the expected bug, not forbidden', async () => {
  const { status } = await run(() => 100, () => ({ strategy: 'racy', outcome: 'leaked', duplicates: 3, orphansAtEnd: 0, reasons: ['3 duplicates'] }));
  assert.notEqual(status.status, 'forbidden');
});

test('identical sides with 2% jitter: unchanged, pass; a 30% slower head: regressed', async () => {
  const j = jitter(11, 0.02);
  const same = await run(() => 100 * Math.exp(j()));
  assert.equal(same.status.status, 'pass');
  const j2 = jitter(12, 0.02);
  const slow = await run((side, name) => 100 * Math.exp(j2()) * (side === 'head' && name === 'b' ? 1.3 : 1));
  assert.equal(slow.status.status, 'regressed');
  assert.equal(slow.r.judgements.get('b')!.verdict, 'regressed');
  assert.equal(slow.r.judgements.get('a')!.verdict, 'unchanged');
});

test('noisy benchmarks get extra rounds, two at a time, up to the bound, then stay inconclusive', async () => {
  const j = jitter(13, 0.6);
  const { r, status } = await run(() => 100 * Math.exp(j()), undefined, ['a']);
  assert.equal(r.rounds.get('a')!.length, 8);
  assert.deepEqual(r.extendedFor, ['a']);
  assert.equal(status.status, 'inconclusive');
});

test('an abort stops after the current process and keeps the finished rounds', async () => {
  const ac = new AbortController();
  const { r, status } = await run((_s, _n, call) => {
    if (call === 10) ac.abort();
    return 100;
  }, undefined, ['a'], ac.signal);
  assert.equal(status.status, 'interrupted');
  assert.equal(r.rounds.get('a')!.length, 2);
});

test('a benchmark the base cannot run at all is not judged; a failure on the head is a harness failure', async () => {
  const m = syntheticMeasure((side, name) => {
    if (side === 'base' && name === 'new') throw new Error('unknown benchmark "new"');
    return 100;
  });
  const r = await runRounds(SIDES, ['a', 'new'], { initialRounds: 4, maxRounds: 8 }, DEFAULT_SETTINGS, new Map(), never, quiet, m.measure);
  assert.deepEqual([...r.unavailableOnBase.keys()], ['new']);
  assert.equal(r.rounds.get('a')!.length, 4);
  assert.equal(r.rounds.get('new')!.length, 0);
  const h = syntheticMeasure((side, name, call) => {
    if (side === 'head' && name === 'a' && call > 5) throw new Error('crashed');
    return 100;
  });
  await assert.rejects(runRounds(SIDES, ['a'], { initialRounds: 4, maxRounds: 8 }, DEFAULT_SETTINGS, new Map(), never, quiet, h.measure), /crashed/);
});

test('a benchmark only the head can run is still checked for correctness: a forbidden head outcome fails the run', async () => {
  const heads: number[] = [];
  const m = syntheticMeasure(
    (side, name, call) => {
      if (side === 'base' && name === 'new') throw new Error('unknown benchmark "new"');
      if (side === 'head' && name === 'new') heads.push(call);
      return 100;
    },
    (side, name) => (side === 'head' && name === 'new' && heads.length >= 3 ? { strategy: 'cas', outcome: 'forbidden', duplicates: 2, orphansAtEnd: 0, reasons: ['2 duplicates'] } : clean('cas')),
  );
  const r = await runRounds(SIDES, ['a', 'new'], { initialRounds: 4, maxRounds: 8 }, DEFAULT_SETTINGS, new Map(), never, quiet, m.measure);
  assert.deepEqual([...r.unavailableOnBase.keys()], ['new']);
  assert.ok(r.correctness.some((c) => c.benchmark === 'new' && c.side === 'head' && c.outcome === 'forbidden'), JSON.stringify(r.correctness));
  const status = gateStatus({ interrupted: false, harnessFailure: null, forbidden: r.correctness.some((c) => c.outcome === 'forbidden'), aaShowsDifference: [], counts: countVerdicts([]) });
  assert.equal(status.status, 'forbidden');
  // Clean head-only runs: two head processes per round, as a judged benchmark has.
  const c = syntheticMeasure((side, name) => {
    if (side === 'base' && name === 'new') throw new Error('unknown benchmark "new"');
    return 100;
  }, () => clean('cas'));
  const r2 = await runRounds(SIDES, ['new'], { initialRounds: 4, maxRounds: 8 }, DEFAULT_SETTINGS, new Map(), never, quiet, c.measure);
  assert.equal(r2.correctness.filter((x) => x.side === 'head').length, 8);
  assert.equal(r2.rounds.get('new')!.length, 0);
});
