import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { STRATEGY_NAMES } from '../../src/create/strategy.js';
import { Prng } from '../../src/env/prng.js';
import type { SimConfig } from '../../src/sim/config.js';
import { Execution } from '../../src/sim/execution.js';
import { randomChooser } from '../../src/sim/explore.js';
import { runSchedule, STEPS_MAX } from '../../src/sim/run.js';
import { SimDisk } from '../../src/sim/sim-disk.js';

/**
 * Executions reuse each world shape's shared memory and attachments, restored in between
 * (WorldMemory.restore, SharedRegistry.reset). Reuse must be invisible: a schedule run on reused
 * memory gives the trace a fresh world gives, byte for byte. Executions on one disk reuse one
 * memory; a new disk per run gets fresh memory.
 *
 * The worlds are picked so that stale per-attachment state would show: with find pauses the churn
 * thread inserts a name whose home slot is the group's, so which name holds which slot under which
 * KEY_GEN differs from schedule to schedule, and a slot-cache hint kept from the previous execution
 * (mutant sim-reset-keeps-slot-cache) is trusted for the wrong name; an id block kept across the
 * restored id counter (mutant sim-reset-keeps-id-block) hands out ids another attachment holds.
 */
const WORLDS: readonly SimConfig[] = STRATEGY_NAMES.flatMap((strategy): SimConfig[] => [
  { strategy, servers: 1, replicas: 1, groups: 2, callers: 3, withDelete: true, raftTicks: 0, findPauses: true },
  { strategy, servers: 3, replicas: 3, groups: 1, callers: 3, withDelete: true, raftTicks: 0 },
]);
const RUNS = 60;

const fingerprint = (r: Awaited<ReturnType<typeof runSchedule>>): string => JSON.stringify([r.schedule, r.outcome, r.verdict, r.nested, r.trace]);

describe('world reuse: restored memory behaves as fresh memory', () => {
  for (const cfg of WORLDS) {
    const what = `${cfg.strategy}, ${cfg.servers} server(s) × ${cfg.groups} group(s) × ${cfg.callers} callers${cfg.findPauses === true ? ', find pauses' : ''}`;
    test(`${what}: ${RUNS} random schedules give byte-identical traces on reused and on fresh memory`, async () => {
      const reused = new SimDisk();
      const a = new Prng(11);
      const b = new Prng(11);
      let differ = 0;
      let first = '';
      for (let i = 0; i < RUNS; i++) {
        const x = fingerprint(await runSchedule(cfg, reused, randomChooser(a), 'trace'));
        const y = fingerprint(await runSchedule(cfg, new SimDisk(), randomChooser(b), 'trace'));
        if (x !== y) {
          differ++;
          first ||= `run ${i}:\nreused ${x.slice(0, 600)}\nfresh  ${y.slice(0, 600)}`;
        }
      }
      assert.equal(differ, 0, first);
    });
  }

  test('Execution.run (the driven loop) and step-by-step stepping take the same steps to the same trace', async () => {
    const cfg = WORLDS[0]!;
    const disk = new SimDisk();
    for (let seed = 1; seed <= 20; seed++) {
      const driven = await runSchedule(cfg, disk, randomChooser(new Prng(seed)), 'trace');
      const ex = await Execution.start(cfg, disk, 'trace');
      const choose = randomChooser(new Prng(seed));
      ex.world.sched.pauseChooser = (c) => {
        const pick = choose(c, ex.schedule.length);
        ex.schedule.push(pick);
        return pick;
      };
      while (!ex.terminal && ex.schedule.length < STEPS_MAX) await ex.step(choose(ex.enabled(), ex.schedule.length));
      const stepped = ex.result();
      ex.close();
      assert.equal(fingerprint(stepped), fingerprint(driven), `seed ${seed}`);
    }
  });
});
