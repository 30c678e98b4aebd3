import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ATOMIC_STRATEGIES, STRATEGY_NAMES } from '../../src/create/index.js';
import { freshSeed } from '../../src/env/prng.js';
import { createServerShmBuffers } from '../../src/shm/server-shm.js';
import { SharedCounters } from '../../src/shm/sync-primitives.js';
import { HAMMER_COUNTERS, type CreateResult, type HammerPlan } from '../fixtures/create-driver.js';
import { runWorkers } from '../fixtures/threads.js';

const WORKERS = 4; // more threads than this machine's 2 cores
const ROUNDS = 6;
const SEED = process.env.RAFTRACE_SEED !== undefined ? Number(process.env.RAFTRACE_SEED) : freshSeed();

for (const strategy of STRATEGY_NAMES) {
  test(`${strategy}: ${WORKERS} threads × 2 callers hammer shared and own names (seed ${SEED})`, async (t) => {
    const buffers = createServerShmBuffers('S1', { capacity: 1024 });
    const ctl = new SharedCounters(HAMMER_COUNTERS);
    const plan = (workerId: number): HammerPlan => ({
      kind: 'hammer', server: buffers, ctl: ctl.buffer, strategy, workerId, workers: WORKERS, callersHere: 2,
      rounds: ROUNDS, sharedNames: 24, ownNames: 6, seed: SEED, timeoutMs: 30_000,
    });
    const results = await runWorkers<CreateResult>('create-worker', Array.from({ length: WORKERS }, (_, w) => plan(w)));
    const builtPerName = new Map<string, number[]>();
    for (const [name, id] of results.flatMap((r) => r.built)) builtPerName.set(name, [...(builtPerName.get(name) ?? []), id]);
    const expectedNames = ROUNDS * (24 + WORKERS * 2 * 6);
    assert.equal(builtPerName.size, expectedNames, 'every name was created at least once');
    const duplicates = [...builtPerName.values()].reduce((n, ids) => n + ids.length - 1, 0);
    t.diagnostic(`${strategy}: ${duplicates} duplicate instances over ${expectedNames} names (seed ${SEED}; replay with RAFTRACE_SEED=${SEED})`);
    if ((ATOMIC_STRATEGIES as readonly string[]).includes(strategy)) {
      assert.equal(duplicates, 0, `FORBIDDEN: ${strategy} built a duplicate instance (seed ${SEED})`);
      for (const [name, id] of results.flatMap((r) => r.resolved)) assert.deepEqual(builtPerName.get(name), [id], `caller of ${name} resolved to the one built instance`);
    }
  });
}
