import { STRATEGIES, type CreateProbe, type StrategyName } from '../create/index.js';
import { groupNameOf, replicasOf } from '../host/address.js';
import type { HostedNode } from '../host/hosted-node.js';
import { isErrnoError } from '../storage/disk.js';
import type { CreateResult } from './protocol.js';
import type { ServerModel } from './server-model.js';
import { runWindowOps } from './start-raft-node.js';

/**
 * Points a test can hold or observe (injected; production callers pass none). `arrive` runs after
 * assignment processing, right before createRaftGroup proper; `inWindow` after the window's disk work and before registration, the probe's points
 * inside the strategy.
 */
export interface CreateHooks {
  arrive?(): Promise<void>;
  inWindow?(): Promise<void>;
  readonly probe?: CreateProbe;
}

/**
 * NATS `createRaftGroup` (server/jetstream_cluster.go, createRaftGroup, v2.10.18 lines 2025–2111;
 * v2.10.28 and v2.14.0 for the locked and in-flight variants), reached from assignment processing
 * (`processClusterCreateConsumer`), which holds `js.mu` briefly first. R1 groups return at once,
 * as NATS does (2033–2038): they have no Raft node. The check/register discipline is the
 * strategy's; the window it opens is `runWindowOps` (start-raft-node.ts), NATS's ops one for one.
 * The node starts ticking only once registered and assigned (NATS: registerRaftNode, then the run
 * goroutine; the preferred replica campaigns at once if its term is 0, under the relock).
 */
export async function createRaftGroup(m: ServerModel, server: number, group: number, strategy: StrategyName, hooks: CreateHooks = {}): Promise<CreateResult> {
  const t0 = m.clock.nowMs();
  const done = (instanceId: number, built: boolean, overwrote: number, waits: number): CreateResult => ({ ok: true, instanceId, built, overwrote, waits, latencyMs: m.clock.nowMs() - t0, workerId: m.workerId });
  if (m.cfg.replicas === 1) return done(0, false, 0, 0);
  const shm = m.servers[server]!;
  let built: HostedNode | null = null;
  let ok = false;
  try {
    // processClusterCreateConsumer: js.mu, read the assignment, unlock (a short hold, every strategy).
    await shm.lock.run(() => m.tables.assigned(server, group));
    await hooks.arrive?.();
    const out = await STRATEGIES[strategy].create(shm, {
      group: groupNameOf(group),
      build: async (id) => {
        const { restored, log } = await runWindowOps(m.disk, m.storeDir(server, group), id, m.peersOf(group));
        built = m.newNode(id, server, group, restored, log);
        await hooks.inWindow?.();
      },
      assign: (id) => {
        m.tables.assign(server, group, id);
        if (built?.instanceId === id) startRun(m, built);
      },
      ...(hooks.probe ? { probe: hooks.probe } : {}),
    });
    m.reservationWaits += out.waits;
    ok = true;
    return done(out.instanceId, out.built, out.overwrote, out.waits);
  } catch (e) {
    const code = isErrnoError(e) && typeof e.code === 'string' ? e.code : e instanceof Error && 'code' in e ? String(e.code) : 'ERROR';
    return { ok: false, error: e instanceof Error ? e.message : String(e), code, latencyMs: m.clock.nowMs() - t0, workerId: m.workerId };
  } finally {
    const n = built as HostedNode | null;
    if (n && ok) {
      startRun(m, n); // registered but never assigned (a delete cleared it meanwhile): it still runs in NATS
      if (n.state === 'creating') n.state = 'running';
    } else if (n && !n.started) {
      m.core.forget(n.instanceId); // the strategy failed after the build: no registration, no node
    }
  }
}

/**
 * NATS: the node's run goroutine starts after registration; the preferred replica (first of the
 * group's peers) campaigns soon if its term is 0. Exported for the bench's bulk populate.
 */
export function startRun(m: ServerModel, n: HostedNode): void {
  if (n.started || n.state === 'deleting') return;
  m.driver.startNode(n);
  if (replicasOf(n.group, m.cfg.servers, m.cfg.replicas)[0] === n.server && n.raft.term === 0) m.core.campaignSoon(n);
}
