/**
 * The forbidden chain in one process: broken-cas in a real threaded run → the census and the
 * create results count the duplicates and orphans → the verdict is `forbidden` → the result is
 * schema-valid and says so → its exit code is 3.
 * The run shape and why its duplicate is certain: test/fixtures/forbidden-run.ts.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Ajv } from 'ajv';
import { EXIT, exitCodeOf } from '../../src/cli/exit-codes.js';
import { TEST_HOOKS_ENV } from '../../src/env/test-hooks.js';
import { buildConfig } from '../../src/scenario/config.js';
import { RESULT_JSON_SCHEMA } from '../../src/scenario/result.js';
import { runScenario } from '../../src/scenario/run.js';
import { FORBIDDEN_RUN } from '../fixtures/forbidden-run.js';

process.env[TEST_HOOKS_ENV] = '1';

test('broken-cas in a real run: duplicates counted, orphans left, verdict forbidden, exit code 3', async (t) => {
  // 8 groups, 2 at a time, a census every 5 ms: the orphans of the first groups are alive while later
  // groups still cycle, so the census during the run must see them too.
  const r = await runScenario(buildConfig({ ...FORBIDDEN_RUN, groups: 8, concurrency: 2, strategy: 'broken-cas' }), { censusEveryMs: 5 });
  const validate = new Ajv({ allErrors: true }).compile(RESULT_JSON_SCHEMA);
  assert.ok(validate(r), JSON.stringify(validate.errors));
  assert.equal(r.partial, false);
  assert.equal(r.harnessFailure, null);
  t.diagnostic(`duplicates ${r.counts.duplicates}, orphans at end ${r.leaks.orphansAtEnd}`);
  assert.ok(r.counts.duplicates > 0, `a duplicate was built: ${JSON.stringify(r.counts)}`);
  assert.equal(r.counts.instancesBuilt, 8 * 3 + r.counts.duplicates, 'built = one per (server, group) + duplicates');
  assert.ok(r.leaks.orphansSeenDuringRun > 0, 'the census during the churn saw unreferenced instances');
  assert.ok(r.verdict.reasons.includes(`${r.leaks.orphansSeenDuringRun} instance(s) seen unreferenced during the run`), r.verdict.reasons.join('; '));
  assert.equal(r.leaks.orphansAtEnd, r.counts.duplicates, 'every duplicate outlives its group (deleted by name, never stopped)');
  assert.equal(r.verdict.outcome, 'forbidden', r.verdict.reasons.join('; '));
  assert.match(r.verdict.reasons[0] ?? '', /^FORBIDDEN under broken-cas \(seed 17; replay with --strategy broken-cas --seed 17\)$/);
  assert.ok(r.verdict.reasons.includes(`${r.counts.duplicates} duplicate instance(s) built`), r.verdict.reasons.join('; '));
  assert.equal(exitCodeOf(r, false), EXIT.forbidden);
});
