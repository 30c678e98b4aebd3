import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ATOMIC_STRATEGIES } from '../../src/create/index.js';
import { replay } from '../../src/sim/run.js';
import { SimDisk } from '../../src/sim/sim-disk.js';

const disk = new SimDisk();

/**
 * The "resurrection" of the first wave's note, pinned. The model's non-meta callers (health check,
 * stream reset) call createRaftGroup without first re-reading the stream/consumer assignment, so a
 * caller that runs after the meta apply's delete rebuilds the group from an empty store dir (no
 * tav.idx: term 0, no vote). In NATS those paths start from an assignment they looked up under
 * js.mu, which closes this for callers that start after the delete; a caller that looked up before
 * the delete and creates after it is the same stale-creator window the strategies are about. So it
 * is a model simplification, recorded (withResurrection), never counted as a leak or duplicate:
 * the rebuilt instance is registered and referenced by its (deleted) assignment's rg.node.
 */
describe('resurrection: a create that runs after the group was deleted', () => {
  for (const strategy of ATOMIC_STRATEGIES) {
    test(`${strategy}: the serial schedule (meta apply creates and deletes, then the health check runs) rebuilds the group from scratch; flagged, not a failure`, async () => {
      const cfg = { strategy, servers: 1, replicas: 1, groups: 1, callers: 2, withDelete: true, raftTicks: 0 } as const;
      const r = await replay(cfg, disk, [], 'trace');
      const events = r.trace.flatMap((s) => s.events);
      const rebuilt = events.findIndex((e) => e.startsWith('build n1'));
      assert.ok(events.findIndex((e) => e.startsWith('rm ')) < rebuilt, 'the delete removed the store dir before the rebuild');
      assert.ok(events.slice(rebuilt).some((e) => /read .*tav\.idx → ENOENT/.test(e)), 'the rebuilt node starts without tav.idx (term 0, no vote)');
      assert.equal(r.verdict.resurrection, true);
      assert.deepEqual([r.verdict.duplicate, r.verdict.leak, r.verdict.split, r.verdict.error], [false, false, false, null]);
      assert.match(r.outcome, /raftNodes=(RUNNING|RESERVED)\(n1\).*rg\.node=n1 live=\[n1\]/);
    });
  }
});
