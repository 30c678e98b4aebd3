/**
 * Link 2–4 of the forbidden chain in isolation: counts → verdict (judge) → exit code. Every count
 * alone must make an atomic run forbidden, and a racy run only `leaked`.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { EXIT, exitCodeOf } from '../../src/cli/exit-codes.js';
import { TEST_HOOKS_ENV } from '../../src/env/test-hooks.js';
import { buildConfig } from '../../src/scenario/config.js';
import type { ScenarioResult } from '../../src/scenario/result.js';
import { judge as judgeRun } from '../../src/scenario/verdict.js';

/** Exercised enough that only the evidence decides (the inconclusive rule is tested in the hardening tests). */
const judge = (cfg: ReturnType<typeof cfgOf>, duplicates: number, orphansSeen: number, orphansAtEnd: number, safety: number) =>
  judgeRun(cfg, { duplicates, orphansSeen, orphansAtEnd, safety, exercised: { pairs: 1, pairsOk: 1, minimum: 1 } });

process.env[TEST_HOOKS_ENV] = '1';
const cfgOf = (strategy: 'racy' | 'locked' | 'inflight' | 'cas' | 'broken-cas') => buildConfig({ strategy, seed: 7 });

/** [duplicates, orphansSeen, orphansAtEnd, safety] with exactly one count set. */
const ONE_EACH: readonly (readonly [string, number, number, number, number])[] = [
  ['duplicate', 1, 0, 0, 0],
  ['orphan seen during the run', 0, 1, 0, 0],
  ['orphan at end', 0, 0, 1, 0],
  ['raft safety violation', 0, 0, 0, 1],
];

describe('judge: the verdict of one run', () => {
  test('no duplicate, no orphan, no safety violation: clean, for every strategy', () => {
    for (const s of ['racy', 'locked', 'inflight', 'cas', 'broken-cas'] as const) {
      assert.deepEqual(judge(cfgOf(s), 0, 0, 0, 0), { outcome: 'clean', reasons: [] }, s);
    }
  });

  for (const [what, d, seen, end, safety] of ONE_EACH) {
    test(`one ${what}: forbidden under every strategy that claims atomicity, leaked under racy`, () => {
      for (const s of ['locked', 'inflight', 'cas', 'broken-cas'] as const) {
        const v = judge(cfgOf(s), d, seen, end, safety);
        assert.equal(v.outcome, 'forbidden', `${s}: ${v.reasons.join('; ')}`);
        assert.match(v.reasons[0] ?? '', new RegExp(`^FORBIDDEN under ${s} \\(seed 7; replay with --strategy ${s} --seed 7\\)$`));
        assert.equal(v.reasons.length, 2, 'the replay line, then the count that caused it');
      }
      const racy = judge(cfgOf('racy'), d, seen, end, safety);
      assert.equal(racy.outcome, 'leaked');
      assert.equal(racy.reasons.length, 1);
      assert.doesNotMatch(racy.reasons[0] ?? '', /FORBIDDEN/);
    });
  }

  test('the reasons name each count with its number', () => {
    const v = judge(cfgOf('cas'), 2, 3, 4, 5);
    assert.deepEqual(v.reasons.slice(1), [
      '5 instance(s) broke a Raft invariant (split brain, diverging logs)',
      '2 duplicate instance(s) built',
      '3 instance(s) seen unreferenced during the run',
      '4 instance(s) still running after every group was deleted',
    ]);
  });
});

describe('exitCodeOf: verdict → exit code', () => {
  const res = (outcome: 'clean' | 'leaked' | 'forbidden', harnessFailure: string | null): ScenarioResult =>
    ({ verdict: { outcome, reasons: [] }, harnessFailure }) as unknown as ScenarioResult;
  test('forbidden is 3, even with a harness failure or an interruption: evidence is never masked', () => {
    assert.equal(exitCodeOf(res('forbidden', null), false), EXIT.forbidden);
    assert.equal(EXIT.forbidden, 3);
    assert.equal(exitCodeOf(res('forbidden', 'worker 0 died'), false), EXIT.forbidden);
    assert.equal(exitCodeOf(res('forbidden', null), true), EXIT.forbidden);
  });
  test('clean and leaked are 0; a harness failure without a forbidden outcome is 4', () => {
    assert.equal(exitCodeOf(res('clean', null), false), EXIT.ok);
    assert.equal(exitCodeOf(res('leaked', null), false), EXIT.ok);
    assert.equal(exitCodeOf(res('clean', 'x'), false), EXIT.harnessFailure);
  });
});
