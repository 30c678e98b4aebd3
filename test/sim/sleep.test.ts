import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { SimConfig } from '../../src/sim/config.js';
import { exhaustive, type Exploration, type Tally } from '../../src/sim/explore.js';
import { SimDisk } from '../../src/sim/sim-disk.js';

const disk = new SimDisk();
const world = (strategy: SimConfig['strategy'], callers: number, groups: number, withDelete: boolean): SimConfig => ({
  strategy, servers: 1, replicas: 1, groups, callers, withDelete, raftTicks: 0,
});
const o = { mode: 'exhaustive' as const, budget: 1e7, seconds: 0, seed: 1, depth: 2 };
const FAILURES: readonly (keyof Tally)[] = ['duplicate', 'leak', 'split', 'deadlock', 'error'];
const found = (x: Exploration): string => FAILURES.filter((k) => x.tally[k] > 0).join(',') || 'none';

/**
 * Reduction 'sleep' (the stronger persistent sets of independence.ts plus sleep sets) must reach
 * exactly the terminal states that full enumeration reaches (with state merging, itself checked
 * against plain enumeration in explore.test), and find the same kinds of failure. Small worlds
 * on one server, so that every cell shares js.mu: every strategy, 2 callers × 1 name with and
 * without delete, 2 callers × 2 names without delete, 1 caller × 2 names with delete; racy is the
 * known bug (duplicates and leaks); locked is the strategy whose js.mu spans steps (holderAlone,
 * the `enqueue` kind; with three callers, the order of js.mu's waiter list).
 */
describe('exhaustive --reduction sleep', () => {
  const worlds: SimConfig[] = [];
  for (const s of ['racy', 'locked', 'inflight', 'cas'] as const) {
    worlds.push(world(s, 2, 1, true), world(s, 2, 1, false), world(s, 2, 2, false), world(s, 1, 2, true));
  }
  // Three callers of one name with delete under locked: two park on js.mu, and which of them the
  // unlock wakes decides who rebuilds after the delete (the order of js.mu's waiter list matters).
  worlds.push(world('locked', 3, 1, true));
  for (const cfg of worlds) {
    test(`${cfg.strategy}, ${cfg.callers} callers × ${cfg.groups} names${cfg.withDelete ? ', with delete' : ''}: the same terminal states and failures as full enumeration`, async () => {
      const full = await exhaustive(cfg, disk, o);
      const sleep = await exhaustive(cfg, disk, { ...o, reduction: 'sleep' });
      assert.ok(full.complete && sleep.complete);
      assert.deepEqual([...sleep.outcomes].sort(), [...full.outcomes].sort());
      assert.equal(found(sleep), found(full));
      assert.equal(sleep.firstFailure === null, full.firstFailure === null, 'a failing schedule is reported by both or neither');
      assert.ok(sleep.executions <= full.executions, `${sleep.executions} <= ${full.executions}`);
    });
  }

  test('racy, 2 callers × 1 name with delete: the leak is found and its schedule replays to a leak', async () => {
    const x = await exhaustive(world('racy', 2, 1, true), disk, { ...o, reduction: 'sleep' });
    assert.ok(x.firstFailure?.verdict.leak, 'the first failure reported is a leak');
  });
});
