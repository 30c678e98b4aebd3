import type { HostedNode } from './hosted-node.js';
import type { HostedSet } from './hosted-set.js';
import { REC } from './message-records.js';

/**
 * Due nodes (or delivered records) read ahead at a time: their lines must still be in cache when
 * stepped. 64, 128 and 256 measured alike at 100k nodes (quiet, host bench one-worker section on
 * the null disk); no read-ahead was about 20% slower per tick.
 */
export const READ_AHEAD = 128;

/**
 * Reading ahead for a host that holds more nodes than the CPU caches do (issue #10). At 100k nodes
 * every node a tick steps is a chain of cache misses (its slot, its HostedNode, its RaftNode, its
 * log), and stepped one after another each miss stalls the step that needs it. Reading the same
 * lines first for a batch of nodes makes the loads independent, so the CPU overlaps their misses;
 * the steps that follow find the lines in cache. Only reads: nothing any node does depends on it.
 * The sum of what was read is kept so the reads are not optimized away; it means nothing.
 */
export class ReadAhead {
  private sum = 0;

  constructor(
    private readonly set: HostedSet,
    private readonly servers: number,
  ) {}

  /** For due slots [from, to): each node and the other live instances of its group here (its heartbeat's addressees). */
  dueGroups(due: readonly number[], from: number, to: number): void {
    const nodes = this.set.ticking;
    const servers = this.servers;
    let acc = 0;
    for (let i = from; i < to; i++) {
      const base = nodes[due[i]!]!.group * servers;
      for (let s = 0; s < servers; s++) acc += this.at(base + s);
    }
    this.sum += acc;
  }

  /** For records [from, to) of `x` (message-records layout): their addressees (another worker's heartbeats, say). */
  records(x: Float64Array, from: number, to: number): void {
    const servers = this.servers;
    let acc = 0;
    for (let i = from, o = from * REC; i < to; i++, o += REC) acc += this.at(x[o + 1]! * servers + x[o + 2]!);
    this.sum += acc;
  }

  /** Reads the instance at `key` (when exactly one lives here) the way its next step will. */
  private at(key: number): number {
    const at = this.set.at(key);
    if (at === undefined || Array.isArray(at)) return 0;
    return (at as HostedNode).warm();
  }
}
