import { RaftError } from './errors.js';
import type { NodeId } from './types.js';

/** Length of every node id, as in NATS (`idLen = 8`). */
export const NODE_ID_LENGTH = 8;

/** Most voters a group may have; votes are tallied in a 31-bit mask. NATS groups are R1–R5. */
export const MAX_VOTERS = 31;

/** True if `s` is exactly 8 printable, non-space ASCII characters (0x21–0x7e). */
export function isNodeId(s: string): s is NodeId {
  if (s.length !== NODE_ID_LENGTH) return false;
  for (let i = 0; i < NODE_ID_LENGTH; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x21 || c > 0x7e) return false;
  }
  return true;
}

/** Throws `RaftError('BAD_NODE_ID')` naming `field` unless `s` is a valid {@link NodeId}. */
export function assertNodeId(s: string, field: string): void {
  if (!isNodeId(s)) {
    throw new RaftError(
      'BAD_NODE_ID',
      `${field} must be exactly ${NODE_ID_LENGTH} printable ASCII characters (0x21-0x7e), got ${JSON.stringify(s)}`,
    );
  }
}

/**
 * Validates a voter list and returns it frozen. A list that is already frozen is returned as is,
 * so a host that shares one frozen array among a group's nodes pays for it once.
 * Invariants checked: 1..MAX_VOTERS ids, all valid, no duplicates, `self` among them.
 */
export function checkPeers(self: NodeId, peers: readonly NodeId[]): readonly NodeId[] {
  if (peers.length < 1 || peers.length > MAX_VOTERS) {
    throw new RaftError('BAD_PEERS', `peers must hold 1..${MAX_VOTERS} voters, got ${peers.length}`);
  }
  for (let i = 0; i < peers.length; i++) {
    const p = peers[i] as NodeId;
    assertNodeId(p, `peers[${i}]`);
    if (peers.indexOf(p) !== i) throw new RaftError('BAD_PEERS', `peers lists ${JSON.stringify(p)} twice`);
  }
  if (!peers.includes(self)) {
    throw new RaftError('BAD_PEERS', `peers must include the node itself (${JSON.stringify(self)})`);
  }
  return Object.isFrozen(peers) ? peers : Object.freeze(peers.slice());
}
