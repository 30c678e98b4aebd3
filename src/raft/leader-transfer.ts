/**
 * NATS's leader transfer, the pure parts: the log entry that carries it and the choice of target.
 *
 * At v2.9.10 (server/raft.go) a leader's `StepDown` (1234–1291) picks a peer it heard from within
 * three heartbeats (`nowts-ps.ts < hbInterval*3`, the first such peer in Go's random map order),
 * appends an `EntryLeaderTransfer` entry naming it and sends it at once (`sendAppendEntry`,
 * 3100+: stored in the leader's WAL like any entry), then steps down. A follower that appends that
 * entry as new and is named in it runs `xferCampaign` (processAppendEntry 2956–2963): an election
 * 10 ms later (1318–1325), i.e. a normal campaign, term++ and self-vote, both tav.idx writes.
 *
 * Here the entry is an ordinary log entry whose `data` is {@link LEADER_TRANSFER_PREFIX} + the
 * target's id, so it travels every path an append travels (local records, cross-worker wire
 * batches) with no new message kind. Data starting with the prefix is reserved for it.
 */
import type { IntSource } from '../env/prng.js';
import type { Entry, NodeId } from './types.js';

/** Data prefix of a leader-transfer entry; '\u0001' never starts a proposal's data. */
export const LEADER_TRANSFER_PREFIX = '\u0001xfer:';

/** A transfer entry's data naming `target`. */
export function transferData(target: NodeId): string {
  return LEADER_TRANSFER_PREFIX + target;
}

/** True if `e` is a transfer entry naming `id`. */
export function isTransferTo(e: Entry, id: NodeId): boolean {
  return e.data.length === LEADER_TRANSFER_PREFIX.length + id.length && e.data.startsWith(LEADER_TRANSFER_PREFIX) && e.data.endsWith(id);
}

/** Ticks from a transfer's receipt to the target's campaign: NATS's 10 ms, rounded up to a tick. */
export const TRANSFER_CAMPAIGN_TICKS = 1;

/** Heartbeats within which a peer must have been heard to be a transfer target (raft.go:1262 @ v2.9.10). */
export const TRANSFER_RECENT_HEARTBEATS = 3;

/**
 * The index of the peer to transfer to, or -1: among voters other than `self` whose last answer
 * came less than `TRANSFER_RECENT_HEARTBEATS * heartbeatTicks` ticks before `nowTicks`, the first
 * one from a random start (Go ranges over the peers map in random order). NATS checks recency
 * only, not how far the peer's log is behind; an out-of-date target just loses its election.
 */
export function pickTransferTarget(lastHeardTicks: readonly number[], self: number, nowTicks: number, heartbeatTicks: number, prng: IntSource): number {
  const n = lastHeardTicks.length;
  const start = prng.intBetween(0, n - 1);
  for (let k = 0; k < n; k++) {
    const i = (start + k) % n;
    if (i !== self && nowTicks - lastHeardTicks[i]! < TRANSFER_RECENT_HEARTBEATS * heartbeatTicks) return i;
  }
  return -1;
}
