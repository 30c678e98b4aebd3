import assert from 'node:assert/strict';
import { test } from 'node:test';
import { freshSeed } from '../../src/env/prng.js';
import { runLincheck } from '../../src/lincheck/run.js';

/**
 * A short lincheck run on real threads, bounded by work, not time: 8 sessions (each of the four
 * profiles with and without pauses at the registry's pause points) of 12 rounds. A fresh seed each
 * run, printed, so CI explores and a failure replays its workloads (LINCHECK_SEED).
 */
test('lincheck: registry histories recorded on real threads are linearizable (short run)', async (t) => {
  const seed = Number(process.env.LINCHECK_SEED ?? freshSeed());
  const s = await runLincheck({ seconds: 600, sessionSeconds: 600, threads: undefined, seed, sessionsMax: 8, roundsPerSession: 12 });
  t.diagnostic(`lincheck seed ${seed}: ${s.sessions} sessions, ${s.histories} histories, ${s.ops} operations, ${s.violations} violations`);
  assert.equal(s.violation, undefined, `seed ${seed}: ${s.violation ?? ''}`);
  assert.equal(s.sessions, 8, 'every profile ran, with and without pauses');
  assert.ok(s.ops > 0);
});
