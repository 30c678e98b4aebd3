import { basename, dirname, join } from 'node:path';
import { STRATEGIES, type StrategyName } from '../create/index.js';
import { groupNameOf } from '../host/address.js';
import { isErrnoError } from '../storage/disk.js';
import type { DeleteResult } from './protocol.js';
import type { ServerModel } from './server-model.js';

/**
 * NATS `processClusterDeleteConsumer` (server/jetstream_cluster.go, v2.10.18 from line 4503): under
 * `js.mu` (a short hold, in every strategy: under `locked` it queues behind a creation's disk I/O)
 * the assignment is read and cleared; then `Delete()` of the instance it referenced
 * (raft.go `Delete` → `shutdown(true)`): Closed, unsubscribed, unregistered by the strategy's rule
 * (by name in NATS), then the WAL's directory renamed aside to `.<name>` and removed
 * (filestore.go:7716) and `RemoveAll(storeDir)` (raft.go:1682). From 2.10.23 (#5832) Delete waits
 * for the node's goroutines — here its writes in flight — before the directory goes, so a node
 * being deleted cannot fail a write; before, such a write fails (transient). Other instances of
 * the same (server, group) are not touched: nothing references them, NATS does not look.
 */
export async function deleteNode(m: ServerModel, server: number, group: number, instanceId: number, strategy: StrategyName): Promise<DeleteResult> {
  const t0 = m.clock.nowMs();
  const n = m.core.get(instanceId);
  if (!n || n.server !== server || n.group !== group) {
    return { ok: false, error: `instance ${instanceId} of (S${server}, g${group}) is not hosted by worker ${m.workerId}`, latencyMs: 0 };
  }
  const shm = m.servers[server]!;
  try {
    await shm.lock.run(() => m.tables.unassign(server, group, instanceId));
    // consumer.go stopWithFlags (4108–4113 @ v2.9.10): a leader steps down first, and at 2.9.10
    // its transfer append is sent before Delete (see VersionProfile.deleteTransfersLeader).
    if (m.profile.deleteTransfersLeader) m.driver.stepDown(n);
    m.driver.stopNode(n);
    if (m.profile.deleteWaitsForNode) await m.driver.idle(n);
    STRATEGIES[strategy].unregister(shm, groupNameOf(group), instanceId);
    // Rename aside (atomic), then remove: from the rename on, a twin's path-based tav.idx writes
    // fail with ENOENT — #5824's symptom — instead of racing the removal and recreating files.
    const dir = m.storeDir(server, group);
    const trash = join(dirname(dir), `.${basename(dir)}.${instanceId}`);
    try {
      await m.disk.rename(dir, trash);
    } catch (e) {
      if (!(isErrnoError(e) && e.code === 'ENOENT')) throw e;
      return { ok: true, latencyMs: m.clock.nowMs() - t0 }; // a twin's delete took it already
    }
    await m.disk.rm(trash);
    return { ok: true, latencyMs: m.clock.nowMs() - t0 };
  } catch (e) {
    return { ok: false, error: e instanceof Error ? e.message : String(e), latencyMs: m.clock.nowMs() - t0 };
  } finally {
    m.core.forget(instanceId);
  }
}
