import type { DueTimes } from './due-times.js';
import type { Effects } from './effects.js';
import type { HostedNode } from './hosted-node.js';
import type { ReadyRouter } from './ready-router.js';

/**
 * The driver's two calls into one started node outside a tick or a delivery: NATS's "campaign if
 * preferred and term 0" and `StepDown()`. Both move the node's timer, so they go through the
 * due-time bookkeeping: calling the Raft node directly would leave it due at its old timeout.
 */
export class NodeControl {
  constructor(
    private readonly due: DueTimes,
    private readonly router: ReadyRouter,
    private readonly every: boolean,
    private readonly onBrokenInvariant: (n: HostedNode, e: unknown) => void,
  ) {}

  /** See RaftNode.campaignSoon; `now` is the core's last completed tick. */
  campaignSoon(n: HostedNode, now: number): void {
    if (!n.started || n.state === 'deleting') {
      n.raft.campaignSoon();
      return;
    }
    this.due.bringUp(n, now);
    n.raft.campaignSoon();
    if (!this.every) this.due.reschedule(n, now);
  }

  /**
   * NATS `StepDown()` of a running leader (see RaftNode.stepDown): its transfer append is routed like
   * any message, locally or to the target's worker, into `fx`. A stepdown writes no term/vote, so
   * nothing waits for a persist unless an earlier one of this node is still in flight (then it
   * follows that one, as any later message of the node does).
   */
  stepDown(n: HostedNode, now: number, fx: Effects): void {
    if (!n.started || n.state === 'deleting' || n.raft.role !== 'leader') return;
    if (!this.every) this.due.bringUp(n, now);
    try {
      n.raft.stepDown();
      if (n.raft.hasReady()) this.router.handleReady(n, fx);
    } catch (e) {
      this.onBrokenInvariant(n, e);
    }
    this.router.keepStray(n);
    // A follower now, with a fresh election timer: its wheel slot moves.
    if (n.slot >= 0 && !this.every) this.due.reschedule(n, now);
  }
}
