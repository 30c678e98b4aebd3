import type { ServerShm } from '../shm/server-shm.js';
import { found, type CreateOutcome, type CreateRequest, type CreationStrategy } from './strategy.js';

/**
 * Modelled on nats-server v2.10.18 `createRaftGroup` (server/jetstream_cluster.go 2025–2111; the
 * window is open in every release from 2.9.3 to 2.10.27, whose surroundings differ: see
 * src/cluster/nats-version.ts): check under `js.mu`, release it, do the disk work
 * and start the node, register with a blind overwrite, then set `rg.node` under the lock again.
 * Two callers that both pass the check before either registers build two instances; the registry
 * keeps the later one, the assignment whichever set `rg.node` last.
 */
export const racy: CreationStrategy = {
  name: 'racy',
  async create(server: ServerShm, req: CreateRequest): Promise<CreateOutcome> {
    req.probe?.beforeCheck?.();
    const hit = await server.lock.run(() => {
      const e = server.registry.lookup(req.group);
      if (e.state === 'absent') return 0;
      req.assign(e.instanceId);
      return e.instanceId;
    });
    if (hit !== 0) return found(hit);
    // js.mu released (jetstream_cluster.go:2049 @ v2.10.18): from here nothing is locked.
    const instanceId = server.registry.allocateInstanceId();
    await req.build(instanceId);
    const overwrote = server.registry.register(req.group, instanceId); // raft.go registerRaftNode
    await server.lock.run(() => req.assign(instanceId));
    return { instanceId, built: true, overwrote, waits: 0 };
  },
  unregister(server, group) {
    server.registry.unregisterByName(group); // by name: may remove a duplicate's entry
  },
};
