import type { HostedNode } from './hosted-node.js';
import { H_SYNCED, RECORD, type ParkTable } from './park-table.js';
import type { TimerWheel } from './timer-wheel.js';

/**
 * When each started node must next be touched, and catching a node up before it is touched
 * otherwise. Invariant (between core calls, after tick t): every started node's counters are
 * current up to some tick s <= t with no timer fired in (s, t], and it is listed in the wheel at a
 * tick > t and no later than it is next due (earlier only where a heartbeat moved a parked
 * follower's timer later and the wheel entry was left: ParkedSteps.deliver; that wake only
 * lists it again). So `bringUp` can skip ticks s+1..t in O(1) (`RaftNode.skipTicks`) and behave
 * exactly as if the node had been ticked every tick; the tick loop touches only the due nodes.
 */
export class DueTimes {
  constructor(
    private readonly wheel: TimerWheel,
    /** Holds each started node's synced tick (H_SYNCED), by slot. */
    private readonly table: ParkTable,
    /** Entries proposed per tick to each led group (0: none); fractions accumulate per node. */
    private readonly entriesPerTick: number,
  ) {}

  /** Applies every tick up to `now` not yet seen by `n` (none of them fires a timer). */
  bringUp(n: HostedNode, now: number): void {
    const f = this.table.f;
    const b = n.slot * RECORD + H_SYNCED;
    const k = now - f[b]!;
    if (k <= 0) return;
    n.raft.skipTicks(k);
    // The every-tick loop adds the proposal rate after each tick a leader leads (one float add per
    // tick, in order, so the sum is the same to the last bit).
    if (this.entriesPerTick > 0 && n.raft.role === 'leader') for (let i = 0; i < k; i++) n.proposalDebt += this.entriesPerTick;
    f[b] = now;
  }

  /** Marks `n` current at tick `now` (it was just ticked, or just started). */
  synced(n: HostedNode, now: number): void {
    this.table.f[n.slot * RECORD + H_SYNCED] = now;
  }

  /** Schedules `n` (current at `now`) for its next timer, its next proposal, or the next tick if output is pending. */
  reschedule(n: HostedNode, now: number): void {
    this.wheel.schedule(n.slot, this.nextDue(n, now));
  }

  /** The tick `n` (current at `now`) is next due: its next timer, its next proposal, or the next tick if output is pending. */
  nextDue(n: HostedNode, now: number): number {
    const raft = n.raft;
    let k = raft.hasReady() ? 1 : raft.ticksToNextTimer;
    if (k > 1 && this.entriesPerTick > 0 && raft.role === 'leader') {
      let debt = n.proposalDebt;
      for (let i = 1; i < k; i++) {
        debt += this.entriesPerTick;
        if (debt >= 1) {
          k = i;
          break;
        }
      }
    }
    return now + k;
  }
}
