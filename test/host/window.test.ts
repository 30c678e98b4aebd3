/**
 * NATS's window (createRaftGroup → startRaftNode → registerRaftNode), op for op through the Disk;
 * no tick before registration; js.mu's other users (the delete path) under each strategy.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { WAL_READ_OP, WINDOW_OPS } from '../../src/cluster/start-raft-node.js';
import { stopNode } from '../../src/cluster/stop-node.js';
import type { CreateResult } from '../../src/cluster/protocol.js';
import { STRATEGY_NAMES } from '../../src/create/strategy.js';
import { groupNameOf } from '../../src/host/address.js';
import { drain, GatedDisk } from '../fixtures/gated-disk.js';
import { create, makeRig, remove, settle } from '../fixtures/model-rig.js';

const dirOf = (server: number, group: number): string => `/store/S${String(server).padStart(2, '0')}/_js_/${groupNameOf(group)}`;

describe('the window, op for op', () => {
  for (const strategy of STRATEGY_NAMES) {
    test(`${strategy}: a first creation does NATS's ops in NATS's order, every one through the Disk`, async () => {
      const disk = new GatedDisk();
      const rig = makeRig({}, disk);
      let opsAtRegistration = -1;
      const r = await create(rig, 0, 3, strategy, { inWindow: () => Promise.resolve(void (opsAtRegistration = disk.ops.length)) });
      assert.ok(r.ok, JSON.stringify(r));
      const dir = dirOf(0, 3);
      const expected = WINDOW_OPS.map((o) => ({ op: o.op, path: o.rel === '' ? dir : o.rel === '_test_' ? join(dir, `_test_${r.instanceId}`) : join(dir, o.rel) }));
      assert.deepEqual(disk.ops.slice(0, opsAtRegistration), expected);
      assert.equal(opsAtRegistration, 14, 'NATS v2.10.18 does 14 disk operations in the window');
    });
  }

  test('a re-creation over an existing directory skips only the peers.idx bootstrap and recovers tav.idx', async () => {
    const disk = new GatedDisk();
    const rig = makeRig({}, disk);
    await disk.mkdirp(dirOf(0, 1));
    await disk.writeFile(join(dirOf(0, 1), 'peers.idx'), new TextEncoder().encode('x'));
    const tav = new Uint8Array(8);
    new DataView(tav.buffer).setBigUint64(0, 7n, true);
    await disk.writeFile(join(dirOf(0, 1), 'tav.idx'), tav);
    disk.ops.length = 0;
    const r = await create(rig, 0, 1, 'cas');
    assert.ok(r.ok);
    assert.equal(disk.ops.filter((o) => o.op === 'writeFile' && o.path.endsWith('peers.idx')).length, 0);
    assert.equal(rig.model.core.get(r.instanceId)!.raft.term, 7, 'term recovered from tav.idx');
  });
});

test('a re-creation after Stop() reads the WAL block right after listing msgs/, as recoverMsgs does, and nothing else more', async () => {
  const disk = new GatedDisk();
  const rig = makeRig({}, disk);
  const first = await create(rig, 0, 2, 'cas');
  assert.ok(first.ok);
  assert.ok((await stopNode(rig.model, 0, 2, first.instanceId, 'cas')).ok);
  disk.ops.length = 0;
  const again = await create(rig, 0, 2, 'cas');
  assert.ok(again.ok && again.built);
  const dir = dirOf(0, 2);
  const window = disk.ops.slice(0, WINDOW_OPS.length).map((o) => `${o.op} ${o.path.slice(dir.length)}`);
  const listed = window.indexOf('readdir /msgs');
  assert.equal(window[listed + 1], `readFile /${WAL_READ_OP.rel}`);
  // 14 ops - the peers.idx bootstrap + the block read: still 14.
  assert.equal(window.filter((o) => o === 'writeFile /peers.idx').length, 0);
});

describe('no tick before registration', () => {
  for (const strategy of STRATEGY_NAMES) {
    test(`${strategy}: a node held in its window never ticks, however many ticks pass`, async () => {
      const rig = makeRig();
      let termInWindow = -1;
      let roleInWindow = '';
      const r = await create(rig, 0, 0, strategy, {
        inWindow: async () => {
          const n = [...rig.model.core.nodes()].find((x) => x.server === 0 && x.group === 0)!;
          // 300 ticks: far past a campaign (1–8 ticks) and an election timeout (40–90).
          for (let i = 0; i < 300; i++) {
            rig.clock.advanceMs(rig.tickMs);
            rig.model.driver.tick();
          }
          await drain();
          termInWindow = n.raft.term;
          roleInWindow = n.raft.role;
          assert.equal(n.started, false);
        },
      });
      assert.ok(r.ok);
      assert.equal(termInWindow, 0, 'no campaign while unregistered');
      assert.equal(roleInWindow, 'follower');
      assert.equal(rig.model.core.get(r.instanceId)!.started, true, 'runs once registered');
    });
  }
});

describe("js.mu's users: the delete path takes it too", () => {
  for (const [strategy, version, queues] of [['locked', '2.10.28', true], ['racy', '2.10.18', false], ['inflight', '2.14.0', false], ['cas', '2.14.0', false]] as const) {
    test(`${strategy}: a delete on the same server ${queues ? 'queues behind' : 'does not wait for'} a creation held in its disk I/O`, async () => {
      const disk = new GatedDisk();
      const rig = makeRig({ natsVersion: version }, disk);
      const g0 = await create(rig, 0, 0, strategy);
      assert.ok(g0.ok);
      await settle(rig);
      const held = disk.hold((op, path) => op === 'mkdirp' && path === dirOf(0, 1));
      let created: CreateResult | null = null;
      const creating = create(rig, 0, 1, strategy).then((r) => (created = r));
      await drain();
      assert.equal(held.waiting, 1, 'the creation of g1 is held in its first disk op');
      let deleted = false;
      const deleting = remove(rig, 0, 0, g0.instanceId, strategy).then((r) => {
        assert.ok(r.ok, JSON.stringify(r));
        deleted = true;
      });
      await drain(50);
      assert.equal(deleted, !queues, queues ? 'the delete waits for js.mu' : 'the delete finished meanwhile');
      held.release();
      await Promise.all([creating, deleting]);
      assert.ok(created !== null && (created as CreateResult).ok);
      assert.equal(deleted, true);
    });
  }
});
