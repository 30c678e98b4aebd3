import type { RaftMessage } from '../raft/types.js';

/**
 * A Raft message on the wire between workers, addressed to (server, group). A request reaches
 * every live instance at the address (NATS: every subscriber of the group's subject); a reply
 * reaches only the instance that asked (NATS: the asker's reply inbox).
 */
export interface Wire {
  readonly g: number;
  readonly s: number;
  readonly m: RaftMessage;
  /** The sending instance. */
  readonly f: number;
  /** For a reply: the one instance it is for; 0 for a request (every live instance). */
  readonly t: number;
}
