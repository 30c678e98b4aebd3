import type { ServerModel } from './server-model.js';

/** How often a waiting worker looks at the node (clock ms): well below one 100 ms NATS tick. */
export const LEADER_POLL_MS = 1;

/**
 * Resolves true once instance `instanceId` of this worker knows its group's leader (it leads, or
 * an append named one), false if it is gone or stopped, or after `timeoutMs` of the model's clock.
 * Polls without holding anything: the node keeps ticking and receiving meanwhile.
 */
export async function awaitFirstLeader(m: ServerModel, instanceId: number, timeoutMs: number): Promise<boolean> {
  const t0 = m.clock.nowMs();
  for (;;) {
    const n = m.core.get(instanceId);
    if (!n || n.state === 'deleting') return false;
    if (n.raft.leaderId !== '') return true;
    if (m.clock.nowMs() - t0 >= timeoutMs) return false;
    await new Promise<void>((resolve) => setTimeout(resolve, LEADER_POLL_MS));
  }
}
