import type { ServerShm } from '../shm/server-shm.js';
import { found, type CreateOutcome, type CreateRequest, type CreationStrategy } from './strategy.js';

/**
 * nats-server PR #8087 (v2.12.9 / 2.14.0): under `js.mu`, wait out any in-flight marker for the
 * name, look up, and insert a marker; drop the lock for the disk work, node start and register;
 * then, under the lock again, set `rg.node`, remove the marker and wake the waiters, who re-check.
 * The marker map is the server's `inflight` registry, touched only while holding the server lock,
 * so its reserve/cancel act as plain map operations; parked waiters wake on the marker's slot.
 */
export const inflight: CreationStrategy = {
  name: 'inflight',
  async create(server: ServerShm, req: CreateRequest): Promise<CreateOutcome> {
    for (let waits = 0; ; waits++) {
      req.probe?.beforeCheck?.();
      const step = await server.lock.run(() => {
        const e = server.registry.lookup(req.group);
        if (e.state !== 'absent') {
          req.assign(e.instanceId);
          return { kind: 'found' as const, instanceId: e.instanceId };
        }
        return server.inflight.reserve(req.group);
      });
      if (step.kind === 'found') return found(step.instanceId, waits);
      if (step.kind === 'reserved') {
        req.probe?.beforePark?.();
        await server.inflight.awaitReservation(step, server.waitTimeoutMs);
        continue;
      }
      if (step.kind === 'running') throw new Error('inflight: marker registry holds a RUNNING entry (markers are only ever reserved)');
      const marker = step.instanceId;
      let instanceId = 0;
      let overwrote = 0;
      let buildError: unknown;
      let failed = false;
      try {
        instanceId = server.registry.allocateInstanceId();
        await req.build(instanceId);
        overwrote = server.registry.register(req.group, instanceId);
      } catch (e) {
        failed = true;
        buildError = e;
      }
      // Success or failure, the marker goes and the waiters re-check (a failed build leaves no
      // registration, so one of them becomes the next creator).
      try {
        await server.lock.run(() => {
          if (instanceId !== 0 && server.registry.lookup(req.group).state !== 'absent') req.assign(instanceId);
          server.inflight.cancelReservation(req.group, marker);
        });
      } catch (lockError) {
        // js.mu could not be re-taken (timeout). The marker must still go, or every later create of
        // the name parks on it and times out: cancelReservation is a compare-and-clear on the
        // marker's own id, so it cannot remove anyone else's marker even without the lock.
        server.inflight.cancelReservation(req.group, marker);
        if (failed) throw new AggregateError([buildError, lockError], `inflight ${req.group}: build failed, then re-taking the server lock failed`, { cause: buildError });
        throw lockError;
      }
      if (failed) throw buildError;
      return { instanceId, built: true, overwrote, waits };
    }
  },
  unregister(server, group) {
    server.registry.unregisterByName(group);
  },
};
