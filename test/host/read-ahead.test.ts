/**
 * The host's read-ahead (read-ahead.ts) only reads: over any mix of live, missing and duplicated
 * addresses, every node's observable state and the timer wheel are the same before and after it.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { Prng } from '../../src/env/prng.js';
import { nodeIdOf } from '../../src/host/address.js';
import { HostedNode } from '../../src/host/hosted-node.js';
import { HostedSet } from '../../src/host/hosted-set.js';
import { REC } from '../../src/host/message-records.js';
import { RECORD } from '../../src/host/park-table.js';
import { ReadAhead } from '../../src/host/read-ahead.js';
import { NATS_TIMING } from '../../src/raft/config.js';
import { RaftNode } from '../../src/raft/node.js';

const SERVERS = 3;
const PEERS = Object.freeze([0, 1, 2].map(nodeIdOf));

function state(set: HostedSet): string {
  return JSON.stringify(
    [...set.all()].map((n) => [n.instanceId, n.slot, [...set.table.f.subarray(n.slot * RECORD, n.slot * RECORD + RECORD)], n.raft.term, n.raft.role, n.raft.commitIndex, n.raft.lastIndex, n.raft.ticksToNextTimer, n.raft.hasReady(), n.askerOf(2), set.wheel.dueOf(n.slot)]),
  );
}

test('reading ahead changes no node and no timer (live, missing and duplicated addresses)', () => {
  fc.assert(
    fc.property(fc.array(fc.tuple(fc.nat(9), fc.nat(SERVERS - 1)), { maxLength: 40 }), fc.array(fc.nat(12), { maxLength: 300 }), fc.nat(), (cells, keys, seed) => {
      const set = new HostedSet();
      let id = 1;
      for (const [g, s] of cells) {
        const raft = new RaftNode({ id: nodeIdOf(s), peers: PEERS, timing: NATS_TIMING, prng: new Prng(seed >>> 0).fork(`${id}`) });
        const n = new HostedNode(id++, s, g, g * SERVERS + s, raft); // a cell listed twice is the race's duplicate
        set.add(n);
        set.start(n);
        set.wheel.schedule(n.slot, 1 + raft.ticksToNextTimer);
        for (let k = 0; k < (id % 5); k++) raft.tick();
      }
      const before = state(set);
      const ra = new ReadAhead(set, SERVERS);
      const slots = set.ticking.map((n) => n.slot);
      ra.dueGroups(slots, 0, slots.length);
      const x = new Float64Array(keys.length * REC);
      keys.forEach((k, i) => {
        x[i * REC + 1] = Math.floor(k / SERVERS); // group
        x[i * REC + 2] = k % SERVERS; // addressee server
      });
      ra.records(x, 0, keys.length);
      assert.equal(state(set), before);
    }),
    { numRuns: 200 },
  );
});
