/**
 * A single-thread, seeded network simulator for RaftNode (test harness, not product code).
 *
 * One `Sim` = N voters, a seeded Prng that decides message loss, delivery delay in ticks
 * (reordering falls out of random delays plus a shuffle of each tick's deliveries), duplicates, and
 * partitions that heal. Each tick: deliver due messages, tick every node, then drain every node's
 * ready in the order the host must follow: persist term/vote writes, THEN hand messages to the
 * network, then apply committed entries, then advance.
 *
 * Checked on every tick (throws SimViolation, carrying the seed):
 * - election safety: at most one leader per term;
 * - state-machine safety: entry i applied anywhere is the same (term, data) everywhere, and each
 *   node applies 1, 2, 3, ... in order, so every node's applied sequence is a prefix of the others';
 * - persistence order: every message's term, a candidate's self-vote and a granted vote were
 *   persisted before the message left; writes happen only when term/vote changes, terms never go
 *   back, and one vote per term. A term switch may carry the previous vote into the new term
 *   (NATS's switch to candidate writes before it votes): that is not a vote cast in the new term,
 *   so the self-vote that follows (even the same id again) is not a second vote;
 * - §5.4.2: what a leader newly commits ends with an entry of its own term (it never commits an
 *   earlier term's entry by counting replicas; those commit only under one of its own);
 * - election timer: a follower or candidate campaigns at most electionTimeoutMaxTicks after its
 *   last legitimate reset (a term change, a step-down, a granted vote, an append from the leader of
 *   its term). A timer reset by anything else (a refused vote, a stale or foreign message, a
 *   response) delays the campaign past that bound and is caught here;
 * - lost quorum: a node that has led for more than two lost-quorum intervals has had append
 *   responses of its term from a quorum (itself included) within the last two intervals — else it
 *   must have stepped down at the check inside that window (NATS's orphaned-leader step-down).
 */
import { Prng } from '../../src/env/prng.js';
import { NATS_TIMING, type RaftTiming } from '../../src/raft/config.js';
import { RaftNode } from '../../src/raft/node.js';
import type { Entry, NodeId, RaftMessage, TermVote, VoteId } from '../../src/raft/types.js';

/** Knobs of one simulated run. */
export interface SimOptions {
  readonly seed: number;
  readonly voters: number;
  readonly timing?: RaftTiming;
  /** Probability that a message on a working link is dropped. */
  readonly lossRate: number;
  /** Delivery delay is uniform in [1, delayMaxTicks]. */
  readonly delayMaxTicks: number;
  /** Probability that a delivered message is delivered twice. */
  readonly duplicateRate?: number;
  /** Per-tick probability that a random partition starts (when none is active). */
  readonly partitionRate?: number;
  /** Per-tick probability that the current leader gets a proposal. */
  readonly proposeRate?: number;
  /** Per-tick probability that a leader is asked to step down (NATS StepDown: a leader transfer). */
  readonly stepDownRate?: number;
  /** If set, every node compacts to (applied - margin) each tick. */
  readonly compactMargin?: number;
}

/** A broken property, with the seed that replays it. */
export class SimViolation extends Error {
  override readonly name = 'SimViolation';
  constructor(seed: number, tick: number, what: string, options?: { cause?: unknown }) {
    super(`${what} (seed ${seed}, tick ${tick}; replay: RAFT_SEED=${seed} npx tsx --test test/raft/sim.test.ts)`, options);
  }
}

/** Node ids of a simulated group: 8 chars each, like NATS ids. */
export function simIds(n: number): NodeId[] {
  return Array.from({ length: n }, (_, i) => `node${String(i).padStart(4, '0')}`);
}

/** The simulator. Public fields are read by tests. */
export class Sim {
  readonly ids: readonly NodeId[];
  readonly nodes: RaftNode[];
  /** What each node's "disk" holds: the last persisted term/vote. */
  readonly persisted: TermVote[];
  /** Vote persisted per (node, term), to check messages against. */
  private readonly votesByTerm: Map<number, VoteId>[];
  /** True while a node's stored vote was carried over by a term switch (not cast in that term). */
  private readonly carriedVote: boolean[] = [];
  /** Count of term/vote writes per node. */
  readonly writeCount: number[];
  /** Entries applied by each node, in order. */
  readonly applied: Entry[][];
  /** First applied (term, data) seen for each index, across nodes. */
  private readonly appliedAt = new Map<number, Entry>();
  /** term -> the leader seen in it. */
  readonly leaderOfTerm = new Map<number, NodeId>();
  /** Component of each node; a link works iff both ends are in the same component. */
  readonly component: number[];
  /** Per (from, to) index pair: extra loss rate override (-1 = use the default). */
  private readonly linkLoss: number[];
  private readonly inflight = new Map<number, RaftMessage[]>();
  /** Per node: the tick of its last legitimate election-timer reset (see the file comment). */
  private readonly lastReset: number[];
  private readonly electionTimeoutMaxTicks: number;
  private readonly lostQuorumTicks: number;
  /** Per node: the tick it last became leader (-1 while not leading). */
  private readonly leaderSince: number[];
  /** Per node, per peer: the tick that node last stepped an append response of its term while leading. */
  private readonly heardAt: number[][];
  private partitionEndsAt = -1;
  private proposals = 0;
  private lossRate: number;
  private delayMaxTicks: number;
  private proposeRate: number;
  private stepDownRate: number;
  /** Leader transfers sent (stepDown found a target). */
  transfers = 0;
  private readonly net: Prng;
  now = 0;

  constructor(readonly opts: SimOptions) {
    const root = new Prng(opts.seed);
    this.net = root.fork('net');
    this.ids = Object.freeze(simIds(opts.voters));
    const timing = opts.timing ?? NATS_TIMING;
    this.nodes = this.ids.map((id) => new RaftNode({ id, peers: this.ids, timing, prng: root.fork(id) }));
    this.lastReset = this.ids.map(() => 0);
    this.electionTimeoutMaxTicks = timing.electionTimeoutMaxTicks;
    this.lostQuorumTicks = timing.lostQuorumTicks;
    this.leaderSince = this.ids.map(() => -1);
    this.heardAt = this.ids.map(() => this.ids.map(() => -1));
    this.persisted = this.ids.map(() => ({ term: 0, vote: '' }));
    this.votesByTerm = this.ids.map(() => new Map<number, VoteId>());
    this.writeCount = this.ids.map(() => 0);
    this.applied = this.ids.map(() => []);
    this.component = this.ids.map(() => 0);
    this.linkLoss = new Array<number>(opts.voters * opts.voters).fill(-1);
    this.lossRate = opts.lossRate;
    this.delayMaxTicks = opts.delayMaxTicks;
    this.proposeRate = opts.proposeRate ?? 0;
    this.stepDownRate = opts.stepDownRate ?? 0;
  }

  /** Sets the loss rate of the one-way link from -> to; -1 restores the default `lossRate`. */
  setLinkLoss(from: number, to: number, rate: number): void {
    this.linkLoss[from * this.opts.voters + to] = rate;
  }

  /**
   * Fixes the network from now on: node i is in `components[i]` (links only work inside a
   * component), random partitions stop, and the default loss and delay become the given ones.
   */
  settle(components: readonly number[], lossRate: number, delayMaxTicks: number): void {
    components.forEach((c, i) => (this.component[i] = c));
    this.partitionEndsAt = Number.POSITIVE_INFINITY;
    this.lossRate = lossRate;
    this.delayMaxTicks = delayMaxTicks;
  }

  /** Stops proposals (to let replication converge). */
  stopProposals(): void {
    this.proposeRate = 0;
    this.stepDownRate = 0;
  }

  /** Runs `ticks` ticks. */
  run(ticks: number): void {
    for (let t = 0; t < ticks; t++) this.tick();
  }

  /** One tick of the whole system. */
  tick(): void {
    this.now++;
    try {
      this.maybePartition();
      this.deliverDue();
      for (let i = 0; i < this.nodes.length; i++) this.observed(i, () => (this.nodes[i] as RaftNode).tick());
      this.maybePropose();
      this.maybeStepDown();
      this.drainAll();
      this.checkElectionSafety();
      this.checkElectionTimers();
      this.checkLostQuorum();
    } catch (e) {
      // A node's own invariant failure gets the seed too.
      if (e instanceof SimViolation) throw e;
      throw new SimViolation(this.opts.seed, this.now, `node threw: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
    }
  }

  /** The node index of the leader agreed on by every node in `members`, or -1. */
  stableLeader(members: readonly number[]): number {
    const first = this.nodes[members[0] as number] as RaftNode;
    const lid = first.leaderId;
    if (lid === '') return -1;
    const li = this.ids.indexOf(lid);
    if (!members.includes(li) || this.nodes[li]?.role !== 'leader') return -1;
    for (const i of members) {
      const n = this.nodes[i] as RaftNode;
      if (n.term !== first.term || n.leaderId !== lid) return -1;
    }
    return li;
  }

  /** Asserts every pair of applied sequences is prefix-related (also implied by per-tick checks). */
  checkPrefixes(): void {
    for (const a of this.applied) {
      for (const b of this.applied) {
        const k = Math.min(a.length, b.length);
        for (let i = 0; i < k; i++) {
          const x = a[i] as Entry;
          const y = b[i] as Entry;
          if (x.term !== y.term || x.data !== y.data) this.fail(`applied sequences diverge at index ${i + 1}`);
        }
      }
    }
  }

  fail(what: string): never {
    throw new SimViolation(this.opts.seed, this.now, what);
  }

  private maybePartition(): void {
    if (this.now === this.partitionEndsAt) this.component.fill(0);
    const rate = this.opts.partitionRate ?? 0;
    if (this.now < this.partitionEndsAt || rate === 0 || !this.net.chance(rate)) return;
    for (let i = 0; i < this.component.length; i++) this.component[i] = this.net.intBetween(0, 1);
    this.partitionEndsAt = this.now + this.net.intBetween(50, 600);
  }

  private maybePropose(): void {
    if (this.proposeRate === 0 || !this.net.chance(this.proposeRate)) return;
    const leaders = this.nodes.filter((n) => n.role === 'leader');
    if (leaders.length === 0) return;
    const l = leaders[this.net.intBetween(0, leaders.length - 1)] as RaftNode;
    l.propose(`p${this.proposals++}`);
  }

  private maybeStepDown(): void {
    if (this.stepDownRate === 0 || !this.net.chance(this.stepDownRate)) return;
    const i = this.nodes.findIndex((n) => n.role === 'leader');
    if (i < 0) return;
    this.observed(i, () => {
      if ((this.nodes[i] as RaftNode).stepDown() !== '') this.transfers++;
    });
  }

  private deliverDue(): void {
    const due = this.inflight.get(this.now);
    if (due === undefined) return;
    this.inflight.delete(this.now);
    for (let i = due.length - 1; i > 0; i--) {
      const j = this.net.intBetween(0, i);
      [due[i], due[j]] = [due[j] as RaftMessage, due[i] as RaftMessage];
    }
    for (const m of due) {
      const i = this.ids.indexOf(m.to);
      const n = this.nodes[i] as RaftNode;
      this.observed(i, () => n.step(m));
      // An append of the receiver's (possibly just adopted) term comes from that term's leader.
      if (m.type === 'append' && m.term === n.term) this.lastReset[i] = this.now;
      if (m.type === 'append-response' && n.role === 'leader' && m.term === n.term) (this.heardAt[i] as number[])[this.ids.indexOf(m.from)] = this.now;
    }
  }

  /** Runs `f` on node i and records a legitimate timer reset if its term changed or it stopped leading. */
  private observed(i: number, f: () => void): void {
    const n = this.nodes[i] as RaftNode;
    const term = n.term;
    const leading = n.role === 'leader';
    f();
    const leadingNow = (this.nodes[i] as RaftNode).role === 'leader'; // re-read: f() changed it
    if (n.term !== term || (leading && !leadingNow)) this.lastReset[i] = this.now;
    if (!leading && leadingNow) this.leaderSince[i] = this.now;
    if (!leadingNow) this.leaderSince[i] = -1;
  }

  private checkLostQuorum(): void {
    const window = 2 * this.lostQuorumTicks + 1;
    const q = (this.nodes.length >> 1) + 1;
    for (let i = 0; i < this.nodes.length; i++) {
      const since = this.leaderSince[i] as number;
      if (since < 0 || this.now - since <= window) continue;
      const heard = (this.heardAt[i] as number[]).filter((t, p) => p !== i && t > this.now - window).length;
      if (heard + 1 < q) {
        this.fail(`${this.ids[i]} still leads term ${this.nodes[i]?.term} with answers from ${heard} peer(s) in the last ${window} ticks (quorum ${q}): lost-quorum step-down missed`);
      }
    }
  }

  private checkElectionTimers(): void {
    for (let i = 0; i < this.nodes.length; i++) {
      const n = this.nodes[i] as RaftNode;
      if (n.role === 'leader') continue;
      const since = this.now - (this.lastReset[i] as number);
      if (since > this.electionTimeoutMaxTicks) {
        this.fail(`${n.id} (${n.role}, term ${n.term}) has not campaigned ${since} ticks after its last legitimate timer reset (max ${this.electionTimeoutMaxTicks}): something else reset its timer`);
      }
    }
  }

  private drainAll(): void {
    for (let i = 0; i < this.nodes.length; i++) {
      const n = this.nodes[i] as RaftNode;
      // Drained after every delivery and tick of this tick, so one ready per node per tick suffices.
      if (n.hasReady()) this.drain(i, n);
      const margin = this.opts.compactMargin;
      if (margin !== undefined && n.appliedIndex - margin > n.compactedIndex) n.compact(n.appliedIndex - margin);
    }
  }

  private drain(i: number, n: RaftNode): void {
    const r = n.ready();
    // 1. Persist term/vote, in order, before anything is sent.
    for (const w of r.termVoteWrites) this.persist(i, w);
    const disk = this.persisted[i] as TermVote;
    if (disk.term !== n.term || disk.vote !== n.vote) this.fail(`${n.id}: ready left term/vote unpersisted`);
    // 2. Send, checking each message against what is on disk.
    for (const m of r.messages) {
      if (m.from !== n.id) this.fail(`${n.id} sent a message from ${m.from}`);
      if (m.term > disk.term) this.fail(`${n.id} sent term ${m.term} before persisting it`);
      const voted = this.votesByTerm[i]?.get(m.term);
      if (m.type === 'vote-request' && voted !== n.id) this.fail(`${n.id} asked for votes in term ${m.term} before persisting its self-vote`);
      if (m.type === 'vote-response' && m.granted && voted !== m.to) this.fail(`${n.id} granted ${m.to} in term ${m.term} before persisting it`);
      if (m.type === 'vote-response' && m.granted) this.lastReset[i] = this.now;
      this.send(m);
    }
    // 3. Apply. A leader's new commits end with an entry of its own term (§5.4.2).
    const lastCommitted = r.committed.at(-1);
    if (n.role === 'leader' && lastCommitted !== undefined && lastCommitted.term !== n.term) {
      this.fail(`leader ${n.id} of term ${n.term} committed up to index ${lastCommitted.index} of term ${lastCommitted.term} by counting replicas (§5.4.2)`);
    }
    for (const e of r.committed) this.apply(i, n, e);
    n.advance();
  }

  private persist(i: number, w: TermVote): void {
    const disk = this.persisted[i] as TermVote;
    const id = this.ids[i] as NodeId;
    const carried = this.carriedVote[i] === true;
    if (w.term > disk.term && w.vote !== '' && w.vote !== disk.vote) this.fail(`${id}: a term switch wrote vote ${w.vote}, neither none nor the previous one`);
    if (w.term === disk.term && w.vote === disk.vote && !carried) this.fail(`${id}: redundant term/vote write ${JSON.stringify(w)}`);
    if (w.term < disk.term) this.fail(`${id}: term went back ${disk.term} -> ${w.term}`);
    if (w.term === disk.term && disk.vote !== '' && !carried) this.fail(`${id}: second vote in term ${w.term}`);
    this.persisted[i] = w;
    this.carriedVote[i] = w.term > disk.term && w.vote !== '';
    if (w.vote !== '' && !this.carriedVote[i]) this.votesByTerm[i]?.set(w.term, w.vote);
    this.writeCount[i] = (this.writeCount[i] as number) + 1;
  }

  private send(m: RaftMessage): void {
    const from = this.ids.indexOf(m.from);
    const to = this.ids.indexOf(m.to);
    if (this.component[from] !== this.component[to]) return;
    const override = this.linkLoss[from * this.opts.voters + to] as number;
    if (this.net.chance(override >= 0 ? override : this.lossRate)) return;
    const copies = this.net.chance(this.opts.duplicateRate ?? 0) ? 2 : 1;
    for (let c = 0; c < copies; c++) {
      const at = this.now + this.net.intBetween(1, this.delayMaxTicks);
      const q = this.inflight.get(at);
      if (q === undefined) this.inflight.set(at, [m]);
      else q.push(m);
    }
  }

  private apply(i: number, n: RaftNode, e: Entry): void {
    const seq = this.applied[i] as Entry[];
    if (e.index !== seq.length + 1) this.fail(`${n.id} applied index ${e.index} after ${seq.length}`);
    const seen = this.appliedAt.get(e.index);
    if (seen === undefined) this.appliedAt.set(e.index, e);
    else if (seen.term !== e.term || seen.data !== e.data) {
      this.fail(`${n.id} applied ${JSON.stringify(e)} where another node applied ${JSON.stringify(seen)}`);
    }
    seq.push(e);
  }

  private checkElectionSafety(): void {
    for (const n of this.nodes) {
      if (n.role !== 'leader') continue;
      const seen = this.leaderOfTerm.get(n.term);
      if (seen === undefined) this.leaderOfTerm.set(n.term, n.id);
      else if (seen !== n.id) this.fail(`two leaders in term ${n.term}: ${seen} and ${n.id}`);
    }
  }
}
