import { startRun } from '../../src/cluster/create-raft-group.js';
import type { ServerModel } from '../../src/cluster/server-model.js';
import { groupNameOf } from '../../src/host/address.js';

/** One replica to create: [server, group]. */
export type Cell = readonly [number, number];

/**
 * Bench only: creates the replicas `cells`, in order, synchronously, ending in the state that
 * `createRaftGroup` (create-raft-group.ts) with the 'cas' strategy reaches when it is awaited for each cell in
 * the same order on a store that keeps nothing (the bench's NullDisk). On such a store NATS's
 * window ops (start-raft-node.ts) read nothing back: every create is a first creation (no
 * peers.idx, tav.idx or WAL), so the node is built with no restored term/vote and no log, and
 * the ops themselves leave no state. What remains is the registry claim, the build, the
 * registration, the assignment and the start (with the preferred replica's campaign-soon): done
 * here without the 14 awaited disk ops and the lock round trip per node, which made populating
 * 1M nodes take minutes. test/host/populate-fresh.test.ts checks the equality on a small count.
 *
 * Throws if a name is already reserved by another creator (the fast path has no waiting to do:
 * the bench populates each (server, group) once, from one worker).
 */
export function populateFresh(m: ServerModel, cells: readonly Cell[]): void {
  if (m.cfg.replicas === 1) return; // NATS: R1 groups have no Raft node (createRaftGroup returns at once)
  for (const [server, group] of cells) {
    const reg = m.servers[server]!.registry;
    const name = groupNameOf(group);
    const r = reg.reserve(name);
    if (r.kind === 'running') {
      m.tables.assign(server, group, r.instanceId);
      continue;
    }
    if (r.kind === 'reserved') throw new Error(`populateFresh: ${name} on server ${server} is being created by instance ${r.instanceId}`);
    const n = m.newNode(r.instanceId, server, group, undefined, undefined);
    reg.publish(name, r.instanceId);
    m.tables.assign(server, group, r.instanceId);
    startRun(m, n);
    n.state = 'running';
  }
}
