import { EMPTY } from '../raft/log.js';
import type { RaftMessage } from '../raft/types.js';
import { compactIfDue } from './compaction.js';
import type { Effects } from './effects.js';
import { route, type CoreCounters, type HostCoreDeps } from './host-core-parts.js';
import type { HostedNode } from './hosted-node.js';
import { MessageRecords, REC, StagedSends } from './message-records.js';
import type { WireBatchWriter } from './wire-batch.js';

/**
 * The host core's ready handling (split out of host-core.ts): drains a node's ready and sends its
 * messages on (local records, other workers' outboxes), or hands them to the driver to leave after
 * the ready's term/vote writes are stored (Raft's persistence rule).
 *
 * Invariant: `staged`, the sink every started node writes its messages into, is empty between two
 * node calls of the core: the core handles a node's ready (or `keepStray`) right after each call
 * into it, so what `staged` holds always belongs to the node being processed.
 */
export class ReadyRouter {
  /** Every started node's outbox (RaftNode.useSink). */
  readonly staged = new StagedSends();
  /** Local messages to deliver next (the core swaps it with the batch it is delivering). */
  inbox = new MessageRecords();
  /** One record at a time, for the rare messages that exist as objects (routed after a persist). */
  private readonly oneRecord = new MessageRecords();

  constructor(
    private readonly deps: HostCoreDeps,
    private readonly counters: CoreCounters,
    private readonly outboxes: readonly WireBatchWriter[],
  ) {}

  /**
   * After a node call that threw: what it staged before throwing stays its own, as objects sent
   * with its next ready (as they were when the core kept its own outbox), so `staged` is empty again.
   */
  keepStray(n: HostedNode): void {
    if (this.staged.length === 0) return;
    const msgs = this.staged.drainToMessages();
    n.stray = n.stray === null ? msgs : n.stray.concat(msgs);
  }

  handleReady(n: HostedNode, fx: Effects): void {
    // The common case (a heartbeat or an answer, nothing to persist or apply) without a Ready object.
    if (n.stray === null && n.persisting === 0 && n.raft.takeSunkOnly()) {
      this.routeStaged(n);
      return;
    }
    const rd = n.raft.ready();
    n.raft.advance();
    if (rd.committed.length > 0) {
      this.counters.entriesCommitted += rd.committed.length;
      compactIfDue(n.raft);
    }
    // This ready's messages, in order: objects made before the sink was attached, those kept from a
    // call that threw, then the staged records (the sink holds only this node's: see `staged`).
    const stray = n.stray;
    n.stray = null;
    if (rd.termVoteWrites.length === 0 && n.persisting === 0) {
      this.routeObjects(n, rd.messages);
      if (stray !== null) this.routeObjects(n, stray);
      this.routeStaged(n);
      return;
    }
    n.persisting++;
    const staged = this.staged.length === 0 ? EMPTY : this.staged.drainToMessages();
    const messages = stray === null && staged.length === 0 ? rd.messages : [...rd.messages, ...(stray ?? EMPTY), ...staged];
    fx.persists.push({ node: n, writes: rd.termVoteWrites, messages });
  }

  private routeStaged(n: HostedNode): void {
    const st = this.staged;
    for (let i = 0, o = 0; i < st.length; i++, o += REC) route(n, st.nums, o, st.entriesAt(o), this.deps, this.counters, this.inbox, this.outboxes);
    st.clear();
  }

  routeObjects(n: HostedNode, msgs: readonly RaftMessage[]): void {
    const one = this.oneRecord;
    for (let i = 0; i < msgs.length; i++) {
      one.clear();
      const o = one.pushMessage(msgs[i]!);
      route(n, one.nums, o, one.entriesAt(o), this.deps, this.counters, this.inbox, this.outboxes);
    }
  }
}
