/**
 * The host core and driver: persistence before sending, delivery to every live instance of an
 * address (several on one worker and across workers), replies to the one instance that asked,
 * tav.idx writes serialised on a slow disk. In-process models with a queued transport.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { hooksFromPause } from '../../src/cluster/pause-hooks.js';
import { PAUSE_COUNTERS } from '../../src/create/pause.js';
import { groupNameOf } from '../../src/host/address.js';
import { wiresOf } from '../../src/host/wire-batch.js';
import { decodeTermVoteLenient } from '../../src/raft/term-vote-codec.js';
import { SharedCounters } from '../../src/shm/sync-primitives.js';
import { drain, GatedDisk } from '../fixtures/gated-disk.js';
import { create, makeRig, settle, type Rig } from '../fixtures/model-rig.js';

const TAV0 = join(`/store/S00/_js_/${groupNameOf(0)}`, 'tav.idx');

async function plainGroup0(rig: Rig): Promise<void> {
  for (const s of [0, 1, 2]) assert.ok((await create(rig, s, 0, 'cas')).ok);
  await settle(rig);
}

function nodeOf(rig: Rig, server: number) {
  return [...rig.model.core.nodes()].find((n) => n.server === server && n.group === 0)!;
}

async function tickHeld(rig: Rig, ticks: number): Promise<void> {
  for (let t = 0; t < ticks; t++) {
    rig.clock.advanceMs(rig.tickMs);
    rig.model.driver.tick();
    await drain(2);
  }
}

describe('persist, then send', () => {
  test("a ready's messages leave only after its term/vote writes are stored", async () => {
    const disk = new GatedDisk();
    const rig = makeRig({}, disk);
    await plainGroup0(rig);
    const held = disk.hold((op, path) => op === 'writeFile' && path === TAV0);
    for (let t = 0; t < 200 && held.waiting === 0; t++) await tickHeld(rig, 1);
    assert.equal(held.waiting, 1, "S0's campaign write is held");
    await tickHeld(rig, 5);
    assert.equal(nodeOf(rig, 0).raft.role, 'candidate');
    assert.equal(nodeOf(rig, 1).raft.term, 0, 'no vote request reached S1 before the write was stored');
    assert.equal(nodeOf(rig, 2).raft.term, 0);
    held.release();
    await settle(rig);
    assert.ok(nodeOf(rig, 1).raft.term >= 1, 'the vote request left once the write was stored');
  });

  test('on a slow disk, one node never has two tav.idx writes in flight, and the file ends with the last one', async () => {
    const disk = new GatedDisk();
    const rig = makeRig({}, disk);
    await plainGroup0(rig);
    const held = disk.hold((op, path) => op === 'writeFile' && path === TAV0);
    // 400 ticks with S0's writes held: S0 campaigns, times out, campaigns again, readies queue up.
    await tickHeld(rig, 400);
    assert.ok(nodeOf(rig, 0).persisting >= 2, `readies queued behind the held write: ${nodeOf(rig, 0).persisting}`);
    held.release();
    await settle(rig);
    assert.equal(disk.maxInFlight.get(TAV0), 1);
    const n = nodeOf(rig, 0);
    const onDisk = decodeTermVoteLenient(await disk.inner.readFile(TAV0));
    assert.equal(onDisk.term, n.raft.term);
  });
});

describe('delivery to every live instance of an address', () => {
  test('a request reaches each twin (two on worker 0, one on worker 1); each reply goes only to the asker', async () => {
    const rig = makeRig({ workers: 2 });
    const ctl = new SharedCounters(PAUSE_COUNTERS);
    const pause = { ctl: ctl.buffer, callers: 3, timeoutMs: 10_000 };
    const r = await Promise.all([
      create(rig, 0, 0, 'racy', hooksFromPause('racy', pause), 0),
      create(rig, 0, 0, 'racy', hooksFromPause('racy', pause), 0),
      create(rig, 0, 0, 'racy', hooksFromPause('racy', pause), 1),
      create(rig, 1, 0, 'racy', undefined, 1),
      create(rig, 2, 0, 'racy', undefined, 1),
    ]);
    assert.ok(r.every((x) => x.ok && x.built));
    rig.queue.length = 0;
    const [w0, w1] = rig.models as [typeof rig.model, typeof rig.model];
    const d0 = w0.stats().messagesDelivered;
    const d1 = w1.stats().messagesDelivered;
    const ask = { g: 0, s: 0, f: 777, t: 0, m: { type: 'vote-request' as const, from: 'S01node_', to: 'S00node_', term: 50, lastLogIndex: 0, lastLogTerm: 0 } };
    w0.driver.receive([ask]);
    w1.driver.receive([ask]);
    assert.equal(w0.stats().messagesDelivered - d0, 2, 'both twins on worker 0');
    assert.equal(w1.stats().messagesDelivered - d1, 1, 'the twin on worker 1');
    await drain();
    const replies = rig.queue.flatMap((q) => wiresOf(q.batch)).filter((w) => w.m.type === 'vote-response' && w.s === 1);
    assert.ok(replies.length >= 2, `worker 0's twins replied: ${replies.length}`);
    assert.ok(replies.every((w) => w.t === 777), 'each reply names the asker');
    // A reply for one twin reaches that twin only.
    const twinA = [...w0.core.nodes()].find((n) => n.server === 0)!;
    const before = w0.stats().messagesDelivered;
    w0.driver.receive([{ g: 0, s: 0, f: 778, t: twinA.instanceId, m: { type: 'vote-response', from: 'S01node_', to: 'S00node_', term: 50, granted: false } }]);
    assert.equal(w0.stats().messagesDelivered - before, 1);
  });
});
