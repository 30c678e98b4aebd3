import type { RaftMessage } from '../raft/types.js';

/**
 * Messages between nodes of one worker, struct of arrays: a local message is the Raft core's own
 * message object plus three numbers in reused arrays, never a wire envelope. Two queues alternate
 * (one is delivered while the deliveries fill the other), so steady state allocates nothing here.
 */
export class LocalQueue {
  readonly msgs: RaftMessage[] = [];
  /** group * servers + server of the addressee. */
  readonly keys: number[] = [];
  /** The sending instance. */
  readonly from: number[] = [];
  /** For a reply: the one instance it is for; 0 for a request. */
  readonly to: number[] = [];

  get length(): number {
    return this.msgs.length;
  }

  push(m: RaftMessage, key: number, from: number, to: number): void {
    this.msgs.push(m);
    this.keys.push(key);
    this.from.push(from);
    this.to.push(to);
  }

  clear(): void {
    this.msgs.length = 0;
    this.keys.length = 0;
    this.from.length = 0;
    this.to.length = 0;
  }
}
