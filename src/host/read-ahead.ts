import { NOT_PARKED, PARKED_FOLLOWER } from '../raft/parked.js';
import type { HostedSet } from './hosted-set.js';
import { REC } from './message-records.js';
import { H_KEY, H_SYNCED, RECORD } from './park-table.js';

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
 * Read through the park table (park-table.ts): an address held by duplicates is not read ahead.
 */
export class ReadAhead {
  private sum = 0;

  constructor(
    private readonly set: HostedSet,
    private readonly servers: number,
  ) {}

  /**
   * For due slots [from, to): each node and the other live instances of its group here (its
   * heartbeat's addressees). A parked follower only: it is listed early (a heartbeat moved its
   * timer, ParkedSteps.deliver), and its wake reads its own record alone.
   */
  dueGroups(due: readonly number[], from: number, to: number): void {
    const f = this.set.table.f;
    const servers = this.servers;
    let acc = 0;
    for (let i = from; i < to; i++) {
      const b = due[i]! * RECORD;
      if (f[b] === PARKED_FOLLOWER) {
        acc += f[b + H_SYNCED]!;
        continue;
      }
      const base = Math.floor(f[b + H_KEY]! / servers) * servers;
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

  /**
   * Reads the instance at `key` (when exactly one lives here) the way its next step will: its
   * record's lines, and its objects' unless it is parked (a parked node's step touches only its record).
   */
  private at(key: number): number {
    const table = this.set.table;
    const slot = table.at(key);
    if (slot < 0) return 0;
    const f = table.f;
    const b = slot * RECORD;
    const state = f[b]!;
    const acc = state + f[b + 8]! + f[b + RECORD - 1]!;
    return state === NOT_PARKED ? acc + this.set.ticking[slot]!.warm() : acc;
  }
}
