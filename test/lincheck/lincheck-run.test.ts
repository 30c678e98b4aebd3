import assert from 'node:assert/strict';
import { test } from 'node:test';
import { freshSeed } from '../../src/env/prng.js';
import { runLincheck } from '../../src/lincheck/run.js';

/**
 * A short, bounded lincheck run on real threads (all four profiles, with and without pauses at the
 * registry's pause points). A fresh seed each run, printed, so CI explores and a failure replays.
 */
test('lincheck: registry histories recorded on real threads are linearizable (short run)', async (t) => {
  const seed = Number(process.env.LINCHECK_SEED ?? freshSeed());
  const seconds = Number(process.env.LINCHECK_SECONDS ?? 6);
  const s = await runLincheck({ seconds, threads: undefined, seed, sessionSeconds: 0.75 });
  t.diagnostic(`lincheck seed ${seed}: ${s.sessions} sessions, ${s.histories} histories, ${s.ops} operations, ${s.violations} violations`);
  assert.equal(s.violation, undefined, `seed ${seed}: ${s.violation ?? ''}`);
  assert.ok(s.sessions >= 8 && s.ops > 0, 'every profile ran, with and without pauses');
});
