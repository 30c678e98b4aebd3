/**
 * The bench's bulk populate (bench/host/populate-fresh.ts) must leave the hosts exactly as NATS's
 * create path does on a store that keeps nothing: same instances, registry, assignments, live
 * counts, and (seeded) the same election and replication trace afterwards, tick for tick.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { populateFresh, type Cell } from '../../bench/host/populate-fresh.js';
import { NullDisk } from '../../bench/host/null-disk.js';
import { createRaftGroup } from '../../src/cluster/create-raft-group.js';
import { groupNameOf, replicasOf } from '../../src/host/address.js';
import { makeRig, tick, type Rig } from '../fixtures/model-rig.js';

const GROUPS = 24;
const ownerOf = (g: number, s: number, workers: number): number => (g + s) % workers;

function cellsOf(rig: Rig, worker: number): Cell[] {
  const { servers, replicas, workers } = rig.config;
  const out: Cell[] = [];
  for (let g = 0; g < GROUPS; g++) for (const s of replicasOf(g, servers, replicas)) if (ownerOf(g, s, workers) === worker) out.push([s, g]);
  return out;
}

const rigOf = (): Rig => makeRig({ workers: 2, groupsMax: GROUPS, natsVersion: '2.14.0', entriesPerSecondPerGroup: 4, seed: 5 }, new NullDisk());

/** Every instance's host and Raft state, registry entry and assignment, the live counts, and the counters. */
function state(rig: Rig): string {
  const nodes = rig.models.flatMap((m) => m.census()).sort((a, b) => a.instanceId - b.instanceId);
  const stats = rig.models.map((m) => {
    const s = m.stats();
    return [s.hosted, s.messagesSent, s.messagesDelivered, s.messagesDropped, s.entriesProposed, s.entriesCommitted, s.tavWrites, s.reservationWaits].join('/');
  });
  const { servers } = rig.config;
  const shm: string[] = [];
  for (let g = 0; g < GROUPS; g++) {
    for (let s = 0; s < servers; s++) {
      const e = rig.models[0]!.servers[s]!.registry.lookup(groupNameOf(g));
      shm.push(`${s}/${g}:${e.state}${e.state === 'absent' ? '' : e.instanceId}a${rig.tables.assigned(s, g)}l${rig.tables.liveOn(s, g, 0)},${rig.tables.liveOn(s, g, 1)}`);
    }
  }
  const raft = nodes.map((n) => `${n.instanceId}@${n.server}/${n.group}:${n.state[0]}${n.role[0]}${n.term}c${n.commitIndex}r${+n.inRegistry}${+n.inAssignment}`);
  return `${stats.join('|')} ${raft.join(' ')} ${shm.join(' ')}`;
}

async function trace(rig: Rig): Promise<string[]> {
  const out = [state(rig)];
  for (let t = 0; t < 250; t++) {
    await tick(rig);
    out.push(state(rig));
  }
  return out;
}

test('bulk populate on a null store equals createRaftGroup awaited per cell in the same order, tick for tick', async () => {
  const slow = rigOf();
  for (let w = 0; w < 2; w++) {
    for (const [s, g] of cellsOf(slow, w)) assert.ok((await createRaftGroup(slow.models[w]!, s, g, 'cas')).ok);
  }
  const fast = rigOf();
  for (let w = 0; w < 2; w++) populateFresh(fast.models[w]!, cellsOf(fast, w));
  const a = await trace(slow);
  const b = await trace(fast);
  assert.equal(a.length, b.length);
  for (let i = 0; i < a.length; i++) assert.equal(b[i], a[i], `state after tick ${i}`);
  // The trace is not trivially equal: every group elected a leader and committed entries.
  const leaders = slow.models.flatMap((m) => m.census()).filter((e) => e.role === 'leader');
  assert.equal(leaders.length, GROUPS);
  assert.ok(leaders.every((e) => e.commitIndex > 0));
});

test('bulk populate of an existing instance only assigns it (no second build)', () => {
  const rig = rigOf();
  const cells = cellsOf(rig, 0).slice(0, 3);
  populateFresh(rig.models[0]!, cells);
  const size = rig.models[0]!.core.size;
  populateFresh(rig.models[0]!, cells);
  assert.equal(rig.models[0]!.core.size, size);
});
