import { join } from 'node:path';
import { STRATEGIES, type StrategyName } from '../create/index.js';
import { groupNameOf } from '../host/address.js';
import { encodeLogImage } from '../raft/log-image-codec.js';
import type { StopResult } from './protocol.js';
import type { ServerModel } from './server-model.js';
import { WAL_READ_OP } from './start-raft-node.js';

/**
 * A node stopped without deleting its group, before a restart re-creates it: the health check's
 * `restartConsumer` / `restartStream` (server/jetstream_cluster.go isConsumerHealthy 567+, restartStream
 * 443 @ v2.10.18 call `node.Stop()`). (The stream-reset path, `resetClusteredState` 2789+, calls
 * `node.Delete()` instead and wipes the state; that is the delete path.) raft.go `Stop()` →
 * `shutdown(false)` (1619–1690): Closed, unsubscribed, unregistered by name (from 2.10.23 when its run
 * goroutine exits — here once its writes in flight settle), then `wal.Stop()`, which flushes the
 * filestore (filestore.go `stop` 8005+: every block closed and written out). Its directory stays:
 * the restart's window finds peers.idx, tav.idx and this WAL and recovers all three. The
 * assignment still references the stopped instance until a restart's createRaftGroup sets it again.
 */
export async function stopNode(m: ServerModel, server: number, group: number, instanceId: number, strategy: StrategyName): Promise<StopResult> {
  const n = m.core.get(instanceId);
  if (!n || n.server !== server || n.group !== group) return { ok: false };
  m.driver.stopNode(n);
  // Closed: the node neither ticks nor steps from here on, so this is the log its WAL holds.
  const wal = n.raft.logImage();
  if (m.profile.deleteWaitsForNode) await m.driver.idle(n);
  STRATEGIES[strategy].unregister(m.servers[server]!, groupNameOf(group), instanceId);
  try {
    await m.disk.writeFile(join(m.storeDir(server, group), WAL_READ_OP.rel), encodeLogImage(wal));
  } catch {
    // shutdown ignores wal.Stop()'s error; the restart then replays what it finds (or nothing).
  }
  await m.driver.idle(n);
  m.core.forget(instanceId);
  return { ok: true };
}
