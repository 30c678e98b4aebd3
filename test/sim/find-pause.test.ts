import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ATOMIC_STRATEGIES } from '../../src/create/index.js';
import type { SimConfig } from '../../src/sim/config.js';
import { failed } from '../../src/sim/execution.js';
import { randomChooser, sample } from '../../src/sim/explore.js';
import { replay, runSchedule } from '../../src/sim/run.js';
import { decodeSchedule, encodeSchedule } from '../../src/sim/schedule-codec.js';
import { SimDisk } from '../../src/sim/sim-disk.js';
import { Prng } from '../../src/env/prng.js';

const disk = new SimDisk();
const world = (strategy: SimConfig['strategy'], callers = 2): SimConfig => ({
  strategy, servers: 1, replicas: 1, groups: 1, callers, withDelete: true, raftTicks: 0, findPauses: true,
});

/**
 * Registry issue #7's bug class: find() validates a slot's key, then the name dies and another
 * name takes the slot; a STATE word read after the validation belongs to the other name. Only a
 * pause inside find() can put the delete's unregister and the churn's insert there, and the
 * explorer must find it (mutant sim-find-rekey) and replay it.
 */
describe('find pauses: the re-keying window inside SharedRegistry.find()', () => {
  test('the window is reached: the delete and the churn insert run nested inside callers\' finds', async () => {
    let nested = 0;
    let rekeyed = 0;
    const prng = new Prng(5);
    for (let i = 0; i < 200; i++) {
      const r = await runSchedule(world('cas'), disk, randomChooser(prng), 'trace');
      nested += r.nested;
      // A step during which both the group's unregister and the churn name's insert happened nested.
      if (r.trace.some((s) => s.events.some((e) => e.startsWith('stop ')) && s.events.some((e) => e.startsWith('insert churn')) && s.thread !== 'S0/churn')) rekeyed++;
    }
    assert.ok(nested > 0, 'some atomic actions ran nested in a pause');
    assert.ok(rekeyed > 0, 'in some schedule a caller\'s find was paused across the unregister and the re-insert of its slot');
  });

  for (const strategy of ATOMIC_STRATEGIES) {
    test(`${strategy}: no caller ever resolves to another name's instance, over 400 random schedules with find pauses (any failure found replays from its printed schedule)`, async () => {
      const cfg = world(strategy, 3);
      const x = await sample(cfg, disk, { mode: 'random', budget: 400, seconds: 0, seed: 3, depth: 2 });
      const ff = x.firstFailure;
      if (ff) {
        const back = decodeSchedule(encodeSchedule(cfg, ff.schedule));
        const again = await replay(back.cfg, disk, back.threads, 'none');
        assert.equal(again.outcome, ff.outcome, 'the printed schedule replays to the same terminal state');
        assert.ok(failed(again.verdict));
      }
      assert.deepEqual({ ...x.tally, schedules: 0, resurrection: 0 }, { schedules: 0, duplicate: 0, leak: 0, split: 0, safety: 0, deadlock: 0, error: 0, resurrection: 0 }, ff ? `first failure: ${encodeSchedule(cfg, ff.schedule)} → ${ff.outcome}` : '');
    });
  }
});
