import type { Entry, RaftMessage } from '../raft/types.js';
import { DueTimes } from './due-times.js';
import { noEffects, type Effects } from './effects.js';
import type { HostedNode } from './hosted-node.js';
import { HostedSet } from './hosted-set.js';
import { flyweightAt, MessageRecords, REC } from './message-records.js';
import { NodeControl } from './node-control.js';
import { READ_AHEAD, ReadAhead } from './read-ahead.js';
import { ReadyRouter } from './ready-router.js';
import type { Wire } from './wire.js';
import { isReply, noteSafetyViolation, proposeLoad, type CoreCounters, type HostCoreDeps } from './host-core-parts.js';
import { H_TICK_PENDING, RECORD } from './park-table.js';
import { ParkedSteps } from './parked-steps.js';
import { TickTurns } from './tick-turns.js';
import { BufferPool, WireBatchWriter, type WireBatch } from './wire-batch.js';

export type { CoreCounters, DirectoryView, HostCoreDeps } from './host-core-parts.js';

/** Local deliveries processed per flush before yielding; bounds a message storm inside one worker. */
const LOCAL_ROUNDS_MAX = 64;

/**
 * The synchronous core of one worker's host (etcd-raft's RawNode to the driver's node.go): it owns
 * the nodes and decides ticking, delivery, compaction and routing, and returns what must happen as
 * {@link Effects}. No promise, timer, disk or port here: drivable from one thread with a simulated
 * clock. Invariant: a node's messages leave in ready order, and never before that ready's term/vote
 * writes were persisted (a node with a persist in flight queues every later ready behind it).
 */
export class HostCore {
  readonly counters: CoreCounters = {
    ticks: 0, nodesTicked: 0, tickMsMax: 0, tickMsTotal: 0, messagesSent: 0, messagesDelivered: 0, messagesDropped: 0,
    messagesShed: 0, entriesProposed: 0, entriesCommitted: 0, raftSafetyViolations: 0, parkedSteps: 0, earlyWakes: 0,
  };
  readonly safetySamples: string[] = [];
  private readonly set = new HostedSet();
  /** Cross-worker messages of this flush, encoded per destination worker into pooled buffers. */
  private readonly outboxes: WireBatchWriter[];
  private readonly pool = new BufferPool();
  /** Local messages being delivered (swapped with the router's inbox, which the deliveries fill). */
  private delivering = new MessageRecords();
  private readonly router: ReadyRouter;
  private readonly every: boolean;
  private readonly due: DueTimes;
  private readonly control: NodeControl;
  private readonly readAhead: ReadAhead;
  /** Ticks completed, and where a due tick's loop stands. */
  private readonly turns: TickTurns;
  /** Steady nodes' ticks and steps from their records (see HostCoreDeps.park), or null when nothing parks. */
  private readonly parked: ParkedSteps | null;

  constructor(private readonly deps: HostCoreDeps) {
    this.outboxes = Array.from({ length: deps.workers }, () => new WireBatchWriter(this.pool));
    this.router = new ReadyRouter(deps, this.counters, this.outboxes);
    this.every = deps.tickMode === 'every';
    this.due = new DueTimes(this.set.wheel, this.set.table, deps.entriesPerTick);
    this.turns = new TickTurns(this.set);
    this.parked = !this.every && deps.park !== false && deps.timing !== undefined ? new ParkedSteps(this.set, deps.timing, deps, this.counters, this.router, this.outboxes, this.turns) : null;
    this.readAhead = new ReadAhead(this.set, deps.servers);
    this.control = new NodeControl(this.due, this.router, this.every, (n, e) => this.noteSafetyViolation(n, e));
  }

  get size(): number {
    return this.set.size;
  }

  /**
   * The instance, its Raft state current: a parked node is unparked, and the ticks it has not seen
   * (none fires a timer) are applied, so its timers read as of now wherever it was last synced.
   */
  get(instanceId: number): HostedNode | undefined {
    const n = this.set.get(instanceId);
    if (n === undefined) return n;
    this.set.unpark(n);
    if (!this.every && n.slot >= 0) this.due.bringUp(n, this.turns.stepTick(n.slot));
    return n;
  }

  /**
   * Every instance, as they are: a parked node (src/raft/parked.ts) is left parked, so a census
   * between ticks does not undo the parking. Its role, term, vote, leader, log and commit index are
   * current; what parking keeps in the core's table (timer counters, the asker of its leader) is
   * not, and RaftNode throws `PARKED` when asked for its timers. Use `get` for one node's full state.
   */
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
    n.raft.useSink(this.router.staged);
    this.set.start(n);
    this.due.synced(n, this.turns.now);
    if (!this.every) this.due.reschedule(n, this.turns.now);
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

  /** NATS "campaign if preferred and term 0" (see NodeControl). */
  campaignSoon(n: HostedNode): void {
    this.set.unpark(n);
    this.control.campaignSoon(n, this.turns.now);
  }

  /** NATS `StepDown()` of a running leader (see NodeControl); its transfer leaves with the effects. */
  stepDown(n: HostedNode): Effects {
    const fx = noEffects();
    this.set.unpark(n);
    this.control.stepDown(n, this.turns.now, fx);
    this.flush(fx);
    return fx;
  }

  forget(instanceId: number): void {
    this.set.forget(instanceId);
  }

  /**
   * One tick: every node whose timer or proposal is due ticks (in ticking-array order, as the
   * every-node loop did, so traces match), then their readies, then one flush. Nodes not due are
   * not touched at all.
   */
  tick(): Effects {
    const t0 = this.deps.clock.nowMs();
    const fx = noEffects();
    const turns = this.turns;
    const now = ++turns.now;
    const nodes = this.set.ticking;
    if (this.every) {
      for (let i = 0; i < nodes.length; i++) {
        this.tickOne(nodes[i]!, now, fx);
        this.deliverLocal(fx);
      }
    } else {
      const due = turns.due;
      this.set.wheel.takeDue(now, due);
      if (due.length > 1) due.sort((a, b) => a - b);
      // Local delivery runs between due nodes, so a node later in the list may be stepped before its
      // own turn: mark them all first (see H_TICK_PENDING and stepOne).
      const table = this.set.table;
      for (let i = 0; i < due.length; i++) table.f[due[i]! * RECORD + H_TICK_PENDING] = now;
      for (let i = 0; i < due.length; i++) {
        if (i % READ_AHEAD === 0) this.readAhead.dueGroups(due, i, Math.min(due.length, i + READ_AHEAD));
        const slot = due[i]!;
        turns.pos = slot;
        table.f[slot * RECORD + H_TICK_PENDING] = 0;
        if (this.parked === null || !this.parked.tick(slot, now)) this.tickOne(nodes[slot]!, now, fx);
        this.deliverLocal(fx);
      }
      turns.pos = Number.POSITIVE_INFINITY;
      due.length = 0;
    }
    this.flush(fx);
    const ms = this.deps.clock.nowMs() - t0;
    const c = this.counters;
    c.ticks++;
    c.tickMsTotal += ms;
    if (ms > c.tickMsMax) c.tickMsMax = ms;
    return fx;
  }

  /**
   * A batch from another worker (or, from tests and tools, a list of `Wire` objects). An encoded
   * batch is consumed: its buffer goes to this worker's pool for its own outgoing batches.
   */
  receive(batch: WireBatch | readonly Wire[]): Effects {
    const fx = noEffects();
    if (Array.isArray(batch)) this.deliver(batch as readonly Wire[], fx);
    else this.deliverBatch(batch as WireBatch, fx);
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
    if (n.state !== 'deleting') this.router.routeObjects(n, messages);
    this.flush(fx);
    return fx;
  }

  private noteSafetyViolation(n: HostedNode, e: unknown): void {
    noteSafetyViolation(n, e, this.counters, this.safetySamples);
  }

  private tickOne(n: HostedNode, now: number, fx: Effects): void {
    this.set.unpark(n);
    if (!this.every) {
      this.due.bringUp(n, now - 1);
      // Nothing due now after all (a message before its turn moved its timer, or a parked
      // follower's heartbeats left it listed early: ParkedSteps.deliver): its turn is a skip, as a tick
      // that fires nothing is, and it is listed again for when something is due.
      const due = this.due.nextDue(n, now - 1);
      if (due > now) {
        this.counters.earlyWakes++;
        this.set.wheel.schedule(n.slot, due);
        this.parked?.tryPark(n);
        return;
      }
    }
    this.counters.nodesTicked++;
    try {
      this.due.synced(n, now); // before tick(): a tick that throws was still applied
      n.raft.tick();
      if (this.deps.entriesPerTick > 0 && n.raft.role === 'leader') proposeLoad(n, this.deps.entriesPerTick, this.counters);
      if (n.raft.hasReady()) this.router.handleReady(n, fx);
    } catch (e) {
      this.noteSafetyViolation(n, e);
    }
    this.router.keepStray(n);
    if (!this.every) this.due.reschedule(n, now);
    this.parked?.tryPark(n);
  }

  /** Delivers local messages (bounded rounds), then emits one batch per destination worker. */
  private flush(fx: Effects): void {
    this.deliverLocal(fx);
    for (let w = 0; w < this.outboxes.length; w++) {
      const out = this.outboxes[w]!;
      if (out.length > 0) fx.sends.push({ worker: w, batch: out.take() });
    }
  }

  /**
   * Delivers the local messages queued so far, the ones those deliveries produce, and so on
   * (bounded rounds). The tick calls it after each node it ticks, so a group's exchange (heartbeat,
   * answer) runs while its nodes are still in the CPU's caches: at 100k nodes a tick's cost was
   * mostly first touches of node objects. Groups never talk to each other, so the order between
   * groups this changes is one NATS allows (every node runs on its own goroutine there).
   */
  private deliverLocal(fx: Effects): void {
    const r = this.router;
    for (let round = 0; round < LOCAL_ROUNDS_MAX && r.inbox.length > 0; round++) {
      const q = r.inbox;
      r.inbox = this.delivering;
      this.delivering = q;
      this.deliverRecords(q.nums, q.length, q.entries, fx);
      q.clear();
    }
  }

  private deliver(batch: readonly Wire[], fx: Effects): void {
    const servers = this.deps.servers;
    for (let i = 0; i < batch.length; i++) {
      const w = batch[i]!;
      this.deliverOne(w.g * servers + w.s, w.m, w.f, w.t, fx);
    }
  }

  /** `count` records of `x` (local or wire: same layout), each stepped as a reused message object. */
  private deliverRecords(x: Float64Array, count: number, entries: readonly (readonly Entry[])[], fx: Effects): void {
    const servers = this.deps.servers;
    for (let i = 0, o = 0; i < count; i++, o += REC) {
      if (count > READ_AHEAD && i % READ_AHEAD === 0) this.readAhead.records(x, i, Math.min(count, i + READ_AHEAD));
      if (this.parked?.deliver(x, o) === true) continue;
      this.deliverOne(x[o + 1]! * servers + x[o + 2]!, flyweightAt(x, o, entries), x[o + 3]!, x[o + 4]!, fx);
    }
  }

  private deliverBatch(b: WireBatch, fx: Effects): void {
    if (b.count < 0) throw new Error('a wire batch was delivered twice (its buffer was already recycled)');
    this.deliverRecords(b.nums, b.count, b.entries, fx);
    b.count = -1;
    this.pool.give(b.nums.buffer as ArrayBuffer);
    b.nums = new Float64Array(0);
  }

  /** To every live instance at `key`, or only instance `to` for a reply (a twin's reply is not for this one). */
  private deliverOne(key: number, m: RaftMessage, from: number, to: number, fx: Effects): void {
    const at = this.set.at(key);
    if (at === undefined) {
      this.counters.messagesDropped++; // its instance stopped while the message was in flight
      return;
    }
    if (!Array.isArray(at)) {
      const n = at as HostedNode;
      if (to === 0 || to === n.instanceId) this.stepOne(n, m, from, fx);
      return;
    }
    const list = at as readonly HostedNode[];
    for (let k = 0; k < list.length; k++) {
      const n = list[k]!;
      if (to !== 0 && to !== n.instanceId) continue;
      this.stepOne(n, m, from, fx);
    }
  }

  private stepOne(n: HostedNode, m: RaftMessage, from: number, fx: Effects): void {
    this.set.unpark(n);
    if (m.type === 'append' && n.writeError !== null) {
      this.counters.messagesDropped++; // NATS: a node with a write error drops append entries
      return;
    }
    if (!isReply(m)) {
      const i = n.raft.peers.indexOf(m.from);
      if (i >= 0) n.setAsker(i, from);
    }
    try {
      if (!this.every) this.due.bringUp(n, this.turns.stepTick(n.slot));
      n.raft.step(m);
      // Its ready at once: the staged sink must be empty before the next node is stepped.
      if (n.raft.hasReady()) this.router.handleReady(n, fx);
    } catch (e) {
      this.noteSafetyViolation(n, e);
    }
    this.router.keepStray(n);
    this.counters.messagesDelivered++;
    // A stepped node's timers may have moved (an append resets the election timer): reschedule it,
    // unless its turn in this tick is still to come (tickOne reschedules it then).
    if (!this.every && n.slot >= 0 && this.turns.pendingOf(n.slot) !== this.turns.now) this.turns.scheduleStepped(n.slot, this.due.nextDue(n, this.turns.stepTick(n.slot)));
    this.parked?.tryPark(n);
  }
}
