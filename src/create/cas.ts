import type { ServerShm } from '../shm/server-shm.js';
import { found, type CreateOutcome, type CreateRequest, type CreationStrategy } from './strategy.js';

/**
 * Ours, beyond NATS: no server-wide lock. The name's slot is claimed atomically
 * (absent → RESERVED(my instance)); losers park on the slot and take the winner's instance once it
 * is RUNNING. A winner whose build fails clears its reservation, which wakes the waiters to retry.
 * Unregister is compare-and-clear by instance, so a stale delete can never remove a successor.
 */
export const cas: CreationStrategy = {
  name: 'cas',
  async create(server: ServerShm, req: CreateRequest): Promise<CreateOutcome> {
    for (let waits = 0; ; waits++) {
      req.probe?.beforeCheck?.();
      const r = server.registry.reserve(req.group);
      if (r.kind === 'running') {
        req.assign(r.instanceId);
        return found(r.instanceId, waits);
      }
      if (r.kind === 'reserved') {
        req.probe?.beforePark?.();
        await server.registry.awaitReservation(r, server.waitTimeoutMs);
        continue;
      }
      try {
        await req.build(r.instanceId);
      } catch (e) {
        server.registry.cancelReservation(req.group, r.instanceId);
        throw e;
      }
      server.registry.publish(req.group, r.instanceId);
      req.assign(r.instanceId);
      return { instanceId: r.instanceId, built: true, overwrote: 0, waits };
    }
  },
  unregister(server, group, instanceId) {
    server.registry.unregisterInstance(group, instanceId);
  },
};
