/**
 * NATS's real concurrent callers: a node stopped by a stream reset is re-created by the health
 * check's restartConsumer and the reset goroutine at once. Deterministic: in-process, memfs, the
 * restart callers forced into the strategy's critical interleaving by the pause hooks.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DEFAULT_VERSION } from '../../src/cluster/nats-version.js';
import { hooksFromPause } from '../../src/cluster/pause-hooks.js';
import { stopNode } from '../../src/cluster/stop-node.js';
import { PAUSE_COUNTERS } from '../../src/create/pause.js';
import { STRATEGY_NAMES } from '../../src/create/strategy.js';
import { SharedCounters } from '../../src/shm/sync-primitives.js';
import { create, makeRig, remove, settle } from '../fixtures/model-rig.js';

const RESTART_CALLERS = 3;

describe('restart workload: a stopped node re-created by concurrent restart callers', () => {
  for (const strategy of STRATEGY_NAMES) {
    test(`${strategy} (v${DEFAULT_VERSION[strategy]}): ${strategy === 'racy' ? 'duplicates that outlive the group' : 'one instance, nothing left after the delete'}`, async () => {
      const rig = makeRig({ natsVersion: DEFAULT_VERSION[strategy] });
      for (const s of [0, 1, 2]) assert.ok((await create(rig, s, 0, strategy)).ok); // the meta apply, one at a time
      await settle(rig);
      const first = rig.tables.assigned(0, 0);
      assert.ok((await stopNode(rig.model, 0, 0, first, strategy)).ok, 'stream reset stopped S0');
      assert.equal(rig.model.core.get(first), undefined, 'the stopped node is gone');
      const ctl = new SharedCounters(PAUSE_COUNTERS);
      const pause = { ctl: ctl.buffer, callers: RESTART_CALLERS, timeoutMs: 10_000 };
      const r = await Promise.all(Array.from({ length: RESTART_CALLERS }, () => create(rig, 0, 0, strategy, hooksFromPause(strategy, pause))));
      assert.ok(r.every((x) => x.ok), JSON.stringify(r));
      const built = r.filter((x) => x.ok && x.built).length;
      const s0 = rig.model.census().filter((e) => e.server === 0);
      if (strategy === 'racy') {
        assert.equal(built, RESTART_CALLERS, 'every restart caller passed the check and built');
        assert.equal(s0.length, RESTART_CALLERS);
      } else {
        assert.equal(built, 1, 'exactly one restart caller built');
        assert.equal(new Set(r.map((x) => (x.ok ? x.instanceId : 0))).size, 1, 'all resolved to one instance');
        assert.equal(s0.length, 1);
      }
      for (const s of [0, 1, 2]) assert.ok((await remove(rig, s, 0, rig.tables.assigned(s, 0), strategy)).ok);
      await settle(rig);
      const left = rig.model.census();
      assert.equal(left.length, strategy === 'racy' ? RESTART_CALLERS - 1 : 0, 'instances that outlive the delete');
      assert.ok(left.every((e) => !e.inRegistry && !e.inAssignment && e.state === 'running'), 'each survivor is an orphan');
    });
  }
});
