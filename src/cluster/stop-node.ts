import { STRATEGIES, type StrategyName } from '../create/index.js';
import { groupNameOf } from '../host/address.js';
import type { StopResult } from './protocol.js';
import type { ServerModel } from './server-model.js';

/**
 * A node stopped without deleting its group: the stream-reset path after a failed catch-up, or a
 * consumer stopped before `restartConsumer` re-creates it (server/jetstream_cluster.go
 * restartConsumer lines 592–607 and restartStream 443 @ v2.10.18). raft.go `Stop()` →
 * `shutdown(false)`: Closed, unsubscribed, unregistered by name (raft.go:1670; from 2.10.23 when
 * its run goroutine exits — here once its writes in flight settle). Its directory stays: the
 * restart's window finds peers.idx and tav.idx and recovers them. The assignment still references
 * the stopped instance until a restart's createRaftGroup sets it again.
 */
export async function stopNode(m: ServerModel, server: number, group: number, instanceId: number, strategy: StrategyName): Promise<StopResult> {
  const n = m.core.get(instanceId);
  if (!n || n.server !== server || n.group !== group) return { ok: false };
  m.driver.stopNode(n);
  if (m.profile.deleteWaitsForNode) await m.driver.idle(n);
  STRATEGIES[strategy].unregister(m.servers[server]!, groupNameOf(group), instanceId);
  await m.driver.idle(n);
  m.core.forget(instanceId);
  return { ok: true };
}
