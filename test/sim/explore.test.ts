import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ATOMIC_STRATEGIES } from '../../src/create/index.js';
import type { SimConfig } from '../../src/sim/config.js';
import { exhaustive, pctChooser, sample } from '../../src/sim/explore.js';
import { replay, runSchedule } from '../../src/sim/run.js';
import { decodeSchedule, encodeSchedule } from '../../src/sim/schedule-codec.js';
import { shrink } from '../../src/sim/shrink.js';
import { Prng } from '../../src/env/prng.js';
import { SimDisk } from '../../src/sim/sim-disk.js';

const disk = new SimDisk();
const world = (strategy: SimConfig['strategy'], callers: number, withDelete = true, groups = 1, servers = 1): SimConfig => ({
  strategy, servers, replicas: servers, groups, callers, withDelete, raftTicks: 0,
});

describe('racy: the explorer finds the #5824 leak and replays it', () => {
  test('random walk finds a leak; its shrunk schedule, printed and parsed back, replays to the same leak 100 of 100 times', async () => {
    const cfg = world('racy', 2);
    const x = await sample(cfg, disk, { mode: 'random', budget: 300, seconds: 0, seed: 7, depth: 2 });
    assert.ok(x.tally.leak > 0, 'some random schedules leak');
    const ff = x.firstFailure;
    assert.ok(ff?.verdict.leak, 'the reported first failure is a leak');
    const small = await shrink(cfg, disk, ff.schedule, ff.verdict);
    assert.ok(small.length < ff.schedule.length, `shrunk (${small.length} < ${ff.schedule.length})`);
    const printed = encodeSchedule(cfg, small);
    const back = decodeSchedule(printed);
    assert.deepEqual(back.cfg, cfg);
    const outcomes = new Set<string>();
    for (let i = 0; i < 100; i++) {
      const r = await replay(back.cfg, disk, back.threads, 'none');
      assert.ok(r.verdict.leak, `replay ${i} leaks`);
      outcomes.add(r.outcome);
    }
    assert.equal(outcomes.size, 1, 'one terminal state, every time');
  });

  test('PCT at depth 2 finds the leak within 200 schedules', async () => {
    const x = await sample(world('racy', 2), disk, { mode: 'pct', budget: 200, seconds: 0, seed: 11, depth: 2 });
    assert.ok(x.tally.leak > 0);
  });

  test('without interleaving there is no bug: the serial schedule (each caller runs to its end in turn) is clean', async () => {
    const r = await replay(world('racy', 3), disk, [], 'none');
    assert.deepEqual([r.verdict.duplicate, r.verdict.leak, r.verdict.split], [false, false, false]);
  });
});

describe('exhaustive exploration', () => {
  test('merging equal states counts exactly what plain enumeration counts (cas with delete, inflight, locked; 2 callers)', async () => {
    for (const cfg of [world('cas', 2), world('inflight', 2, false), world('locked', 2, false)]) {
      const o = { mode: 'exhaustive' as const, budget: 1e6, seconds: 0, seed: 1, depth: 2 };
      const merged = await exhaustive(cfg, disk, o);
      const plain = await exhaustive(cfg, disk, { ...o, merge: false });
      assert.ok(merged.complete && plain.complete);
      assert.deepEqual(merged.tally, plain.tally, cfg.strategy);
      assert.equal(plain.executions, plain.tally.schedules, 'plain enumeration runs each schedule once');
      assert.ok(merged.executions < plain.executions, 'merging saves executions');
    }
  });

  test('racy, 2 callers, with delete: exactly 42924 of 76665 interleavings leak', async () => {
    const x = await exhaustive(world('racy', 2), disk, { mode: 'exhaustive', budget: 1e6, seconds: 0, seed: 1, depth: 2 });
    assert.ok(x.complete);
    assert.equal(x.tally.schedules, 76665);
    assert.equal(x.tally.leak, 42924);
    assert.ok(x.firstFailure?.verdict.leak);
  });

  for (const strategy of ATOMIC_STRATEGIES) {
    test(`${strategy}, 2 callers, with delete: every interleaving ends without duplicate, leak, split, deadlock or error`, async () => {
      const x = await exhaustive(world(strategy, 2), disk, { mode: 'exhaustive', budget: 1e6, seconds: 0, seed: 1, depth: 2 });
      assert.ok(x.complete);
      assert.ok(x.tally.schedules >= 100, `${x.tally.schedules} schedules`);
      const { schedules: _, resurrection: _r, ...bad } = x.tally;
      assert.deepEqual(bad, { duplicate: 0, leak: 0, split: 0, safety: 0, deadlock: 0, error: 0 });
      assert.equal(x.firstFailure, null);
    });
  }
});

describe('determinism', () => {
  test('the same seed gives the same schedules, traces and report, byte for byte', async () => {
    const cfg = world('inflight', 2, true, 2);
    const once = async (): Promise<string> => {
      const prng = new Prng(42);
      const runs: string[] = [];
      for (let i = 0; i < 20; i++) {
        const r = await runSchedule(cfg, disk, pctChooser(prng, 4, 40, 3), 'trace');
        runs.push(JSON.stringify(r));
      }
      return runs.join('\n');
    };
    const a = await once();
    assert.equal(await once(), a);
    const s1 = await sample(cfg, disk, { mode: 'random', budget: 100, seconds: 0, seed: 5, depth: 2 });
    const s2 = await sample(cfg, disk, { mode: 'random', budget: 100, seconds: 0, seed: 5, depth: 2 });
    assert.deepEqual(s1, s2);
  });
});
