/**
 * Per-version behaviour around the strategy: which tav.idx failures are logged, whether Delete()
 * waits for the node, the tav.idx bytes, and the write-error state. Deterministic: a disk whose
 * writes are held and released by the test, a simulated clock.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import type { NatsVersion } from '../../src/cluster/nats-version.js';
import { groupNameOf } from '../../src/host/address.js';
import { makeErrnoError } from '../../src/storage/disk.js';
import { drain, GatedDisk } from '../fixtures/gated-disk.js';
import { create, createReplicas, makeRig, remove, settle, type Rig } from '../fixtures/model-rig.js';

const DIR0 = `/store/S00/_js_/${groupNameOf(0)}`;
const TAV0 = join(DIR0, 'tav.idx');

async function group0(rig: Rig): Promise<number> {
  return (await createReplicas(rig, 0))[0]!;
}

/** Ticks without settling (a held write stays held) until S0's first tav.idx write is waiting. */
async function tickUntilHeld(rig: Rig, held: { waiting: number }): Promise<void> {
  for (let t = 0; t < 200 && held.waiting === 0; t++) {
    rig.clock.advanceMs(rig.tickMs);
    rig.model.driver.tick();
    await drain(2);
  }
  assert.ok(held.waiting > 0, "S0's campaign write is in flight");
}

/** A group deleted while its node's term/vote write is in flight. */
async function deleteDuringWrite(version: NatsVersion): Promise<Rig> {
  const disk = new GatedDisk();
  const rig = makeRig({ natsVersion: version }, disk);
  const id = await group0(rig);
  const held = disk.hold((op, path) => op === 'writeFile' && path.startsWith(TAV0));
  await tickUntilHeld(rig, held);
  const deleting = remove(rig, 0, 0, id, 'racy');
  await drain(20);
  held.release();
  assert.ok((await deleting).ok);
  await settle(rig);
  return rig;
}

describe('a write in flight when its group is deleted', () => {
  test('2.10.18: it fails, is classified transient, and logs nothing (a Closed node: !n.isClosed())', async () => {
    const rig = await deleteDuringWrite('2.10.18');
    const tav = rig.model.stats().tav;
    assert.ok(tav.transient >= 1, JSON.stringify(tav));
    assert.equal(tav.persistent, 0);
    assert.equal(tav.unlogged, tav.transient);
    assert.deepEqual(rig.log.rendered(), [], 'no transient line under 2.10.18');
  });

  test('2.9.10: the async writer logs the same failure (ERR, then a WRN)', async () => {
    const rig = await deleteDuringWrite('2.9.10');
    const tav = rig.model.stats().tav;
    assert.ok(tav.transient >= 1);
    assert.equal(tav.unlogged, 0);
    const lines = rig.log.rendered();
    assert.ok(lines.some((l) => l.startsWith('[ERR]') && l.includes('Resource not found') && l.includes('tav.idx')), lines.join('\n'));
    assert.ok(lines.some((l) => l.startsWith('[WRN]') && l.includes('Error writing term and vote file')));
  });

  for (const version of ['2.10.23', '2.10.28', '2.14.0'] as const) {
    test(`${version}: Delete() waits for the node, so the write lands and nothing fails`, async () => {
      const rig = await deleteDuringWrite(version);
      assert.deepEqual({ ...rig.model.stats().tav }, { enoent: 0, other: 0, transient: 0, persistent: 0, warnLogged: 0, warnSuppressed: 0, unlogged: 0 });
    });
  }
});

describe('tav.idx bytes per version', () => {
  for (const [version, termOnlyBytes, viaRename] of [['2.9.10', 16, false], ['2.10.18', 8, false], ['2.14.0', 8, true]] as const) {
    test(`${version}: a term-only write is ${termOnlyBytes} bytes${viaRename ? ', through a temp file and a rename' : ''}; unchanged pairs ${version === '2.9.10' ? 'are rewritten' : 'are skipped'}`, async () => {
      const disk = new GatedDisk();
      const rig = makeRig({ natsVersion: version }, disk);
      await group0(rig);
      const n = [...rig.model.core.nodes()].find((x) => x.server === 0)!;
      const w = rig.model.termVoteWriter(n);
      disk.ops.length = 0;
      assert.ok(await w.write(5, ''));
      assert.equal((await disk.inner.readFile(TAV0)).length, termOnlyBytes);
      assert.ok(await w.write(5, ''));
      const writes = disk.ops.filter((o) => o.op === 'writeFile').length;
      assert.equal(writes, version === '2.9.10' ? 2 : 1);
      assert.equal(disk.ops.some((o) => o.op === 'rename' && o.path === `${TAV0}.tmp`), viaRename);
    });
  }
});

test('a non-ENOENT write failure of a live node sets the write-error state: Critical write error, appends dropped', async () => {
  const disk = new GatedDisk();
  const rig = makeRig({ natsVersion: '2.10.18' }, disk);
  await group0(rig);
  disk.fail((op, path) => op === 'writeFile' && path.startsWith(TAV0), () => makeErrnoError('EIO', 'open', TAV0));
  for (let t = 0; t < 200; t++) {
    rig.clock.advanceMs(rig.tickMs);
    rig.model.driver.tick();
    await settle(rig);
    if (rig.model.stats().tav.other > 0) break;
  }
  const n = [...rig.model.core.nodes()].find((x) => x.server === 0)!;
  assert.equal(n.writeError, 'EIO');
  assert.ok(rig.log.rendered().some((l) => l.startsWith('[ERR]') && l.includes('Critical write error')));
  const dropped = rig.model.stats().messagesDropped;
  const term = n.raft.term;
  rig.model.driver.receive([{ g: 0, s: 0, f: 999, t: 0, m: { type: 'append', from: 'S01node_', to: 'S00node_', term: n.raft.term + 5, prevLogIndex: 0, prevLogTerm: 0, entries: [], leaderCommit: 0 } }]);
  assert.equal(rig.model.stats().messagesDropped, dropped + 1, 'the append was dropped');
  assert.equal(n.raft.term, term, 'a dropped append cannot move the term');
});

describe('switch to candidate: write 1 keeps the old vote (raft.go switchToCandidate writes before requestVote votes)', () => {
  for (const [version, secondCampaignWrites] of [['2.9.10', 2], ['2.10.18', 1]] as const) {
    test(`${version}: a lone replica that campaigns again writes (term+1, self) ${secondCampaignWrites === 1 ? 'once: the self-vote write is skipped as unchanged' : 'twice: 2.9.10 rewrites it'}`, async () => {
      const disk = new GatedDisk();
      const rig = makeRig({ natsVersion: version }, disk);
      assert.ok((await create(rig, 0, 0, 'racy')).ok); // S0 alone: its peers never come, it campaigns forever
      const n = [...rig.model.core.nodes()].find((x) => x.server === 0)!;
      const tavWrites = (): number => disk.ops.filter((o) => o.op === 'writeFile' && o.path === TAV0).length;
      const tavNow = async (): Promise<Uint8Array> => disk.inner.readFile(TAV0);
      const self = new TextEncoder().encode(n.raft.id);
      const campaigns: { term: number; writes: number }[] = [];
      for (let t = 0; t < 400 && campaigns.length < 3; t++) {
        const before = { term: n.raft.term, writes: tavWrites() };
        rig.clock.advanceMs(rig.tickMs);
        rig.model.driver.tick();
        await settle(rig);
        if (n.raft.term !== before.term) campaigns.push({ term: n.raft.term, writes: tavWrites() - before.writes });
      }
      assert.deepEqual(campaigns.map((c) => c.term), [1, 2, 3]);
      assert.deepEqual(campaigns.map((c) => c.writes), [2, secondCampaignWrites, secondCampaignWrites], 'first campaign: (1, none) then (1, self)');
      const bytes = await tavNow();
      assert.deepEqual([...bytes.subarray(8, 16)], [...self], 'the file ends with the self-vote');
      assert.equal(new DataView(bytes.buffer, bytes.byteOffset).getUint32(0, true), 3);
    });
  }
});
