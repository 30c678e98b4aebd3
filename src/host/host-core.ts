import type { Clock } from '../env/clock.js';
import { RaftInvariantError } from '../raft/errors.js';
import type { RaftMessage } from '../raft/types.js';
import { serverOfNodeId } from './address.js';
import { compactIfDue } from './compaction.js';
import { noEffects, type Effects } from './effects.js';
import type { HostedNode } from './hosted-node.js';
import { HostedSet } from './hosted-set.js';
import type { Wire } from './wire.js';

/** Local deliveries processed per flush before yielding; bounds a message storm inside one worker. */
const LOCAL_ROUNDS_MAX = 64;

/** Which workers host live instances of an address (the shared hosting directory, read only). */
export interface DirectoryView {
  liveOn(server: number, group: number, worker: number): number;
}

export interface HostCoreDeps {
  readonly workerId: number;
  readonly servers: number;
  readonly workers: number;
  /** Entries proposed per tick to every group whose leader this worker hosts (fractions accumulate). */
  readonly entriesPerTick: number;
  readonly directory: DirectoryView;
  /** Outgoing-message budget; a message without a token is shed (counted). */
  readonly budget: { take(): boolean };
  /** Only for tick timing statistics; nothing the core decides depends on it. */
  readonly clock: Clock;
}

export interface CoreCounters {
  ticks: number;
  tickMsMax: number;
  tickMsTotal: number;
  messagesSent: number;
  messagesDelivered: number;
  messagesDropped: number;
  messagesShed: number;
  entriesProposed: number;
  entriesCommitted: number;
  raftSafetyViolations: number;
}

const isReply = (m: RaftMessage): boolean => m.type === 'vote-response' || m.type === 'append-response';

/**
 * The synchronous core of one worker's host (etcd-raft's RawNode to the driver's node.go): it owns
 * the nodes and decides ticking, delivery, compaction and routing, and returns what must happen as
 * {@link Effects}. No promise, timer, disk or port here: drivable from one thread with a simulated
 * clock. Invariant: a node's messages leave in ready order, and never before that ready's term/vote
 * writes were persisted (a node with a persist in flight queues every later ready behind it).
 */
export class HostCore {
  readonly counters: CoreCounters = {
    ticks: 0, tickMsMax: 0, tickMsTotal: 0, messagesSent: 0, messagesDelivered: 0, messagesDropped: 0,
    messagesShed: 0, entriesProposed: 0, entriesCommitted: 0, raftSafetyViolations: 0,
  };
  readonly safetySamples: string[] = [];
  private readonly set = new HostedSet();
  private readonly outboxes: Wire[][];
  private localInbox: Wire[] = [];
  private readonly touched: HostedNode[] = [];

  constructor(private readonly deps: HostCoreDeps) {
    this.outboxes = Array.from({ length: deps.workers }, () => []);
  }

  get size(): number {
    return this.set.size;
  }

  get(instanceId: number): HostedNode | undefined {
    return this.set.get(instanceId);
  }

  nodes(): IterableIterator<HostedNode> {
    return this.set.all();
  }

  /** A built node: known (census, delete), but neither ticking nor receiving yet. */
  add(n: HostedNode): void {
    this.set.add(n);
  }

  /** The node ticks and receives from now on (NATS: run goroutine started after registration). */
  start(n: HostedNode): Effects {
    const fx = noEffects();
    if (n.started || n.state === 'deleting') return fx;
    n.started = true;
    this.set.start(n);
    fx.dirChanges.push({ server: n.server, group: n.group, delta: 1 });
    return fx;
  }

  /** NATS `Stop()`: Closed; no more ticks or deliveries. Writes in flight may still land or fail. */
  stop(n: HostedNode): Effects {
    const fx = noEffects();
    if (n.state === 'deleting') return fx;
    n.state = 'deleting';
    if (n.started) {
      this.set.stop(n);
      fx.dirChanges.push({ server: n.server, group: n.group, delta: -1 });
    }
    return fx;
  }

  forget(instanceId: number): void {
    this.set.forget(instanceId);
  }

  /** One tick of every started node, then their readies, then one flush. */
  tick(): Effects {
    const t0 = this.deps.clock.nowMs();
    const fx = noEffects();
    const nodes = this.set.ticking;
    const propose = this.deps.entriesPerTick > 0;
    for (let i = 0; i < nodes.length; i++) {
      const n = nodes[i]!;
      try {
        n.raft.tick();
        if (propose && n.raft.role === 'leader') this.proposeLoad(n);
        if (n.raft.hasReady()) this.handleReady(n, fx);
      } catch (e) {
        this.noteSafetyViolation(n, e);
      }
    }
    this.flush(fx);
    const ms = this.deps.clock.nowMs() - t0;
    const c = this.counters;
    c.ticks++;
    c.tickMsTotal += ms;
    if (ms > c.tickMsMax) c.tickMsMax = ms;
    return fx;
  }

  /** A batch from another worker. */
  receive(batch: readonly Wire[]): Effects {
    const fx = noEffects();
    this.deliver(batch, fx);
    this.flush(fx);
    return fx;
  }

  /** Incoming messages not delivered because the worker is overloaded (the driver's call). */
  shed(count: number): void {
    this.counters.messagesShed += count;
  }

  /** The driver stored a ready's writes (or they failed): its messages may leave now, unless the node stopped. */
  persisted(n: HostedNode, messages: readonly RaftMessage[]): Effects {
    const fx = noEffects();
    n.persisting--;
    // A node still 'creating' is live and must talk (only a stopped node falls silent).
    if (n.state !== 'deleting') this.routeAll(n, messages);
    this.flush(fx);
    return fx;
  }

  /**
   * A Raft invariant broke inside one node. With unique node ids that is a bug; with duplicated
   * instances sharing an id (the race) it is a consequence of the bug. Either way it is counted
   * and reported, never allowed to kill the worker and every other node it hosts.
   */
  private noteSafetyViolation(n: HostedNode, e: unknown): void {
    if (!(e instanceof RaftInvariantError)) throw e;
    if (n.broken) return;
    n.broken = true;
    this.counters.raftSafetyViolations++;
    if (this.safetySamples.length < 3) this.safetySamples.push(`instance ${n.instanceId} (S${n.server}, g${n.group}): ${e.message}`);
  }

  private proposeLoad(n: HostedNode): void {
    n.proposalDebt += this.deps.entriesPerTick;
    while (n.proposalDebt >= 1) {
      n.proposalDebt -= 1;
      if (!n.raft.propose('x')) break;
      this.counters.entriesProposed++;
    }
  }

  private handleReady(n: HostedNode, fx: Effects): void {
    const rd = n.raft.ready();
    n.raft.advance();
    if (rd.committed.length > 0) {
      this.counters.entriesCommitted += rd.committed.length;
      compactIfDue(n.raft);
    }
    if (rd.termVoteWrites.length === 0 && n.persisting === 0) {
      this.routeAll(n, rd.messages);
      return;
    }
    n.persisting++;
    fx.persists.push({ node: n, writes: rd.termVoteWrites, messages: rd.messages });
  }

  private routeAll(n: HostedNode, msgs: readonly RaftMessage[]): void {
    for (let i = 0; i < msgs.length; i++) this.route(n, msgs[i]!);
  }

  /** To every worker hosting a live instance of the addressed (server, group); none: dropped. */
  private route(n: HostedNode, m: RaftMessage): void {
    if (!this.deps.budget.take()) {
      this.counters.messagesShed++;
      return;
    }
    const s = serverOfNodeId(m.to);
    const { workers, workerId, directory } = this.deps;
    const wire: Wire = { g: n.group, s, m, f: n.instanceId, t: isReply(m) ? (n.askers?.[n.raft.peers.indexOf(m.to)] ?? 0) : 0 };
    let sent = false;
    for (let w = 0; w < workers; w++) {
      if (directory.liveOn(s, n.group, w) <= 0) continue;
      if (w === workerId) this.localInbox.push(wire);
      else this.outboxes[w]!.push(wire);
      sent = true;
    }
    if (sent) this.counters.messagesSent++;
    else this.counters.messagesDropped++;
  }

  /** Delivers local messages (bounded rounds), then emits one batch per destination worker. */
  private flush(fx: Effects): void {
    for (let round = 0; round < LOCAL_ROUNDS_MAX && this.localInbox.length > 0; round++) {
      const batch = this.localInbox;
      this.localInbox = [];
      this.deliver(batch, fx);
    }
    for (let w = 0; w < this.outboxes.length; w++) {
      const out = this.outboxes[w]!;
      if (out.length === 0) continue;
      this.outboxes[w] = [];
      fx.sends.push({ worker: w, batch: out });
    }
  }

  private deliver(batch: readonly Wire[], fx: Effects): void {
    for (let i = 0; i < batch.length; i++) {
      const wire = batch[i]!;
      const list = this.set.at(wire.g * this.deps.servers + wire.s);
      if (!list) {
        this.counters.messagesDropped++; // its instance stopped while the message was in flight
        continue;
      }
      for (let k = 0; k < list.length; k++) {
        const n = list[k]!;
        // A reply for another instance (a twin here, or one on another worker) is not for this one.
        if (wire.t !== 0 && wire.t !== n.instanceId) continue;
        this.stepOne(n, wire);
      }
    }
    for (let i = 0; i < this.touched.length; i++) {
      const n = this.touched[i]!;
      try {
        if (n.state !== 'deleting' && n.raft.hasReady()) this.handleReady(n, fx);
      } catch (e) {
        this.noteSafetyViolation(n, e);
      }
    }
    this.touched.length = 0;
  }

  private stepOne(n: HostedNode, wire: Wire): void {
    const m = wire.m;
    if (m.type === 'append' && n.writeError !== null) {
      this.counters.messagesDropped++; // NATS: a node with a write error drops append entries
      return;
    }
    if (!isReply(m)) {
      const p = n.raft.peers.indexOf(m.from);
      if (p >= 0) (n.askers ??= n.raft.peers.map(() => 0))[p] = wire.f;
    }
    try {
      n.raft.step(m);
    } catch (e) {
      this.noteSafetyViolation(n, e);
    }
    this.counters.messagesDelivered++;
    if (n.raft.hasReady()) this.touched.push(n);
  }
}
