import type { ServerShm } from '../shm/server-shm.js';
import { found, type CreateOutcome, type CreateRequest, type CreationStrategy } from './strategy.js';

/**
 * nats-server PR #6732 (v2.10.28 / 2.11.2): `js.mu` is held through the whole creation, disk I/O
 * included. Correct, but every creation on the server queues behind the slowest disk write.
 */
export const locked: CreationStrategy = {
  name: 'locked',
  async create(server: ServerShm, req: CreateRequest): Promise<CreateOutcome> {
    req.probe?.beforeCheck?.();
    return server.lock.run(async () => {
      const e = server.registry.lookup(req.group);
      if (e.state !== 'absent') {
        req.assign(e.instanceId);
        return found(e.instanceId);
      }
      const instanceId = server.registry.allocateInstanceId();
      await req.build(instanceId);
      const overwrote = server.registry.register(req.group, instanceId);
      req.assign(instanceId);
      return { instanceId, built: true, overwrote, waits: 0 };
    });
  },
  unregister(server, group) {
    server.registry.unregisterByName(group);
  },
};
