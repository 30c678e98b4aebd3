import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { SimConfig } from '../../src/sim/config.js';
import { exhaustive } from '../../src/sim/explore.js';
import { SimDisk } from '../../src/sim/sim-disk.js';

const disk = new SimDisk();
const world = (strategy: SimConfig['strategy'], callers: number, groups: number, withDelete: boolean): SimConfig => ({
  strategy, servers: 1, replicas: 1, groups, callers, withDelete, raftTicks: 0,
});
const o = { mode: 'exhaustive' as const, budget: 1e7, seconds: 0, seed: 1, depth: 2 };

/**
 * The persistent-set reduction must reach exactly the terminal states that full enumeration (with
 * state merging, itself checked against plain enumeration in explore.test) reaches: the oracles
 * are functions of the terminal state, so equal sets mean equal verdicts. Worlds with two groups
 * on one server, so the cells share js.mu (inflight takes it; cas never does).
 */
describe('exhaustive --reduction por', () => {
  for (const cfg of [world('cas', 2, 2, false), world('inflight', 2, 2, false), world('locked', 1, 2, true)]) {
    test(`${cfg.strategy}, ${cfg.callers} callers × ${cfg.groups} names${cfg.withDelete ? ', with delete' : ''}: the same set of terminal states as full enumeration, in fewer executions`, async () => {
      const full = await exhaustive(cfg, disk, o);
      const por = await exhaustive(cfg, disk, { ...o, reduction: 'por' });
      assert.ok(full.complete && por.complete);
      assert.deepEqual([...por.outcomes].sort(), [...full.outcomes].sort());
      assert.ok(por.executions < full.executions, `${por.executions} < ${full.executions}`);
      assert.equal(por.tally.leak + por.tally.duplicate + por.tally.split + por.tally.deadlock + por.tally.error, 0);
    });
  }
});
