import { basename, dirname, join } from 'node:path';
import { STRATEGIES, type StrategyName } from '../create/index.js';
import type { Clock } from '../env/clock.js';
import { Prng } from '../env/prng.js';
import { NATS_TICK_MS } from '../raft/config.js';
import { RaftNode } from '../raft/node.js';
import { decodeTermVoteLenient, encodeTermVote } from '../raft/term-vote-codec.js';
import { RaftInvariantError } from '../raft/errors.js';
import type { RaftMessage, TermVote } from '../raft/types.js';
import { attachServerShm, type ServerShm } from '../shm/server-shm.js';
import { SharedCounters } from '../shm/sync-primitives.js';
import { forcedGate, PAUSE_COUNTERS } from '../create/pause.js';
import { SharedIntTable } from '../shm/shared-int-table.js';
import { isErrnoError, type Disk } from '../storage/disk.js';
import { groupDir, peersPath, termVotePath } from '../storage/layout.js';
import type { RaftLogSink } from '../storage/raft-log.js';
import { newTavFailureCounters, StatementRateLimiter, TermVoteStore, WARN_EXPIRY_NATS_MS } from '../storage/term-vote-store.js';
import { groupNameOf, nodeIdOf, replicasOf, serverOfNodeId } from './address.js';
import { HostedNode } from './hosted-node.js';
import { HostedSet } from './hosted-set.js';
import { SendBudget } from './send-budget.js';
import { TickLoop } from './tick-loop.js';
import type { CensusEntry, CreatePause, CreateResult, DeleteResult, HostConfig, HostStats, RunBuffers, Wire } from './protocol.js';

/** Where a host's outgoing batches go: one call per destination worker per flush. */
export interface Transport {
  send(worker: number, batch: Wire[]): void;
}

export interface NodeHostDeps {
  readonly workerId: number;
  readonly config: HostConfig;
  readonly buffers: RunBuffers;
  readonly transport: Transport;
  readonly disk: Disk;
  readonly clock: Clock;
  readonly log: RaftLogSink;
}

/** Committed entries kept behind the applied index for followers that lag. */
const COMPACT_MARGIN_ENTRIES = 256;
/** Entries a leader keeps at most for a lagging follower before compacting anyway. */
const RETAIN_ENTRIES_MAX = 20_000;
/** Local deliveries processed per flush before yielding; bounds a message storm inside one worker. */
const LOCAL_ROUNDS_MAX = 64;

export const serverDirName = (server: number): string => `S${String(server).padStart(2, '0')}`;

/**
 * Hosts many Raft node instances in one worker: one tick loop for all of them (never a timer per
 * node), term/vote persisted before a ready's messages are sent, messages routed to every live
 * instance of the addressed (server, group) on any worker, and the create/delete paths run through
 * the chosen strategy. Runs in-process as well as in a worker: the thread shell only wires ports.
 */
export class NodeHost {
  readonly workerId: number;
  private readonly cfg: HostConfig;
  private readonly servers: ServerShm[];
  private readonly assignments: SharedIntTable;
  private readonly directory: SharedIntTable;
  private readonly prng: Prng;
  private readonly limiters: StatementRateLimiter[];
  private readonly peersByGroup = new Map<number, readonly string[]>();

  private readonly hostedSet = new HostedSet();
  private readonly outboxes: Wire[][];
  private localInbox: Wire[] = [];
  private readonly touched: HostedNode[] = [];
  /** Every node's ready I/O still running, deleted nodes' included. */
  private readonly pendingIo = new Set<Promise<void>>();

  private readonly loop: TickLoop;
  private readonly entriesPerTick: number;
  private readonly sendBudget: SendBudget;

  private readonly counters = {
    ticks: 0, tickMsMax: 0, tickMsTotal: 0, messagesSent: 0, messagesDelivered: 0,
    messagesDropped: 0, messagesShed: 0, entriesProposed: 0, entriesCommitted: 0, tavWrites: 0, reservationWaits: 0,
    raftSafetyViolations: 0,
  };
  private readonly safetySamples: string[] = [];
  private readonly tav = newTavFailureCounters();

  constructor(private readonly deps: NodeHostDeps) {
    const c = deps.config;
    this.cfg = c;
    this.workerId = deps.workerId;
    this.servers = deps.buffers.servers.map((b) => attachServerShm(b, deps.workerId, c.waitTimeoutMs));
    this.assignments = new SharedIntTable(c.servers * c.groupsMax, deps.buffers.assignments, 'assignment table');
    this.directory = new SharedIntTable(c.groupsMax * c.servers * c.workers, deps.buffers.directory, 'hosting directory');
    this.prng = new Prng(c.seed).fork(`host-${deps.workerId}`);
    // NATS keeps one rate-limit map per server: duplicates of one (server, group) share a limit.
    this.limiters = Array.from({ length: c.servers }, () => new StatementRateLimiter(deps.clock, (WARN_EXPIRY_NATS_MS / 1000) * c.timeScaleMs));
    this.outboxes = Array.from({ length: c.workers }, () => []);
    const tickIntervalMs = (c.timeScaleMs * NATS_TICK_MS) / 1000;
    this.loop = new TickLoop(deps.clock, tickIntervalMs, tickIntervalMs * c.cpuBusyShare, () => this.tickAll());
    this.entriesPerTick = (c.entriesPerSecondPerGroup * NATS_TICK_MS) / 1000;
    this.sendBudget = new SendBudget(deps.clock, c.messagesPerSecondMax);
  }

  get hosted(): number {
    return this.hostedSet.size;
  }

  // ---- create / delete: the paths NATS's API would run ------------------------------------------

  async create(server: number, group: number, strategy: StrategyName, pause?: CreatePause): Promise<CreateResult> {
    const t0 = this.deps.clock.nowMs();
    const cell = server * this.cfg.groupsMax + group;
    let builtId = 0;
    try {
      const ctl = pause ? new SharedCounters(PAUSE_COUNTERS, pause.ctl) : null;
      if (ctl && pause) {
        ctl.add('arrived');
        await ctl.waitAtLeast('arrived', pause.callers, pause.timeoutMs);
      }
      const [gate, target] = forcedGate(strategy, pause?.callers ?? 1);
      const out = await STRATEGIES[strategy].create(this.servers[server]!, {
        group: groupNameOf(group),
        build: async (id) => {
          await this.build(id, server, group);
          builtId = id;
          if (ctl && pause) {
            ctl.add('built');
            await ctl.waitAtLeast(gate, target, pause.timeoutMs);
          }
        },
        assign: (id) => this.assignments.set(cell, id),
        ...(ctl ? { probe: { beforeCheck: () => ctl.add('atCheck'), beforePark: () => ctl.add('parked') } } : {}),
      });
      this.counters.reservationWaits += out.waits;
      return { ok: true, ...out, latencyMs: this.deps.clock.nowMs() - t0, workerId: this.workerId };
    } catch (e) {
      const code = isErrnoError(e) && typeof e.code === 'string' ? e.code : e instanceof Error && 'code' in e ? String(e.code) : 'ERROR';
      return { ok: false, error: e instanceof Error ? e.message : String(e), code, latencyMs: this.deps.clock.nowMs() - t0, workerId: this.workerId };
    } finally {
      // The create call is over: the instance it built (if any) is now judged like any other.
      const n = this.hostedSet.get(builtId);
      if (n?.state === 'creating') n.state = 'running';
    }
  }

  /**
   * NATS `Delete()` of the instance the assignment referenced: stop it, unregister it by the
   * strategy's rule, clear the assignment, remove its directory. Other instances of the same
   * (server, group) — duplicates — are not touched: nothing references them.
   */
  async delete(server: number, group: number, instanceId: number, strategy: StrategyName): Promise<DeleteResult> {
    const t0 = this.deps.clock.nowMs();
    const n = this.hostedSet.get(instanceId);
    if (!n || n.server !== server || n.group !== group) {
      return { ok: false, error: `instance ${instanceId} of (S${server}, g${group}) is not hosted by worker ${this.workerId}`, latencyMs: 0 };
    }
    this.stop(n);
    STRATEGIES[strategy].unregister(this.servers[server]!, groupNameOf(group), instanceId);
    this.assignments.compareAndSet(server * this.cfg.groupsMax + group, instanceId, 0);
    try {
      // NATS's filestore delete: rename the directory aside (atomic), then remove it. From the
      // rename on, a duplicate's path-based tav.idx writes fail with ENOENT — #5824's symptom —
      // instead of racing the removal and recreating files in it.
      const dir = this.dirOf(n.server, n.group);
      const trash = join(dirname(dir), `.${basename(dir)}.${n.instanceId}`);
      try {
        await this.deps.disk.rename(dir, trash);
      } catch (e) {
        if (!(isErrnoError(e) && e.code === 'ENOENT')) throw e;
        return { ok: true, latencyMs: this.deps.clock.nowMs() - t0 }; // a twin's delete took it already
      }
      await this.deps.disk.rm(trash);
      return { ok: true, latencyMs: this.deps.clock.nowMs() - t0 };
    } catch (e) {
      return { ok: false, error: e instanceof Error ? e.message : String(e), latencyMs: this.deps.clock.nowMs() - t0 };
    } finally {
      this.hostedSet.forget(instanceId);
    }
  }

  /** The window between check and register: store dir, peers.idx, read tav.idx, start the node. */
  private async build(instanceId: number, server: number, group: number): Promise<void> {
    const name = groupNameOf(group);
    const sdir = serverDirName(server);
    const root = this.cfg.storeRoot;
    const dir = groupDir(root, sdir, name);
    const tavPath = termVotePath(root, sdir, name);
    const disk = this.deps.disk;
    await disk.mkdirp(dir);
    const peers = this.peersOf(group);
    const pPath = peersPath(root, sdir, name);
    if (!(await disk.exists(pPath))) await disk.writeFile(pPath, new TextEncoder().encode(peers.join('\n')));
    const restored = await readTermVote(disk, tavPath);
    const raft = new RaftNode({
      id: nodeIdOf(server),
      peers,
      timing: this.cfg.timing,
      prng: this.prng.fork(`i${instanceId}`),
      ...(restored ? { restored } : {}),
    });
    const n = new HostedNode(instanceId, server, group, group * this.cfg.servers + server, raft);
    this.add(n);
    // NATS campaigns right away if this is the preferred (first) replica and the term is still 0.
    if (replicasOf(group, this.cfg.servers, this.cfg.replicas)[0] === server && raft.term === 0) raft.campaignSoon();
  }

  /** `<storeRoot>/<server>/_js_/<group>`: the NATS store dir of (server, group). */
  private dirOf(server: number, group: number): string {
    return groupDir(this.cfg.storeRoot, serverDirName(server), groupNameOf(group));
  }

  private peersOf(group: number): readonly string[] {
    let p = this.peersByGroup.get(group);
    if (!p) {
      p = Object.freeze(replicasOf(group, this.cfg.servers, this.cfg.replicas).map(nodeIdOf));
      this.peersByGroup.set(group, p);
    }
    return p;
  }

  private add(n: HostedNode): void {
    this.hostedSet.add(n);
    this.directory.add(n.key * this.cfg.workers + this.workerId, 1);
  }

  /** Stops ticking and receiving (NATS stops the node first); pending I/O may still finish or fail. */
  private stop(n: HostedNode): void {
    if (n.state === 'deleting') return;
    n.state = 'deleting';
    this.hostedSet.stop(n);
    this.directory.add(n.key * this.cfg.workers + this.workerId, -1);
  }

  // ---- the tick loop ------------------------------------------------------------------------------

  startTicking(): void {
    this.loop.start();
  }

  stopTicking(): void {
    this.loop.stop();
  }

  /** One tick of every hosted node, then their readies, then one flush of all outgoing messages. */
  tickAll(): void {
    const t0 = this.deps.clock.nowMs();
    const nodes = this.hostedSet.ticking;
    const propose = this.entriesPerTick > 0;
    for (let i = 0; i < nodes.length; i++) {
      const n = nodes[i]!;
      try {
        n.raft.tick();
        if (propose && n.raft.role === 'leader') this.proposeLoad(n);
        if (n.raft.hasReady()) this.handleReady(n);
      } catch (e) {
        this.noteSafetyViolation(n, e);
      }
    }
    this.flush();
    const ms = this.deps.clock.nowMs() - t0;
    this.counters.ticks++;
    this.counters.tickMsTotal += ms;
    if (ms > this.counters.tickMsMax) this.counters.tickMsMax = ms;
  }

  /**
   * A Raft invariant broke inside one node. With unique node ids that is a bug; with duplicated
   * instances sharing an id (the race) it is a consequence of the bug (two leaders in a term,
   * diverging logs). Either way it is counted and reported, never allowed to kill the worker and
   * every other node it hosts.
   */
  private noteSafetyViolation(n: HostedNode, e: unknown): void {
    if (!(e instanceof RaftInvariantError)) throw e;
    if (n.broken) return;
    n.broken = true;
    this.counters.raftSafetyViolations++;
    if (this.safetySamples.length < 3) this.safetySamples.push(`instance ${n.instanceId} (S${n.server}, g${n.group}): ${e.message}`);
  }

  private proposeLoad(n: HostedNode): void {
    n.proposalDebt += this.entriesPerTick;
    while (n.proposalDebt >= 1) {
      n.proposalDebt -= 1;
      if (!n.raft.propose('x')) break;
      this.counters.entriesProposed++;
    }
  }

  // ---- readies, persistence and routing ----------------------------------------------------------

  /**
   * Drains a node's ready. Term/vote writes are awaited before that ready's messages are sent
   * (Raft's persistence rule); readies of one node are chained, so its writes land in order. A
   * failed write is counted and logged and the node goes on, as NATS's ENOENT path does.
   */
  private handleReady(n: HostedNode): void {
    const rd = n.raft.ready();
    n.raft.advance();
    if (rd.committed.length > 0) {
      this.counters.entriesCommitted += rd.committed.length;
      // Compact in chunks, keeping a margin, and never past what the slowest follower still needs
      // (no snapshot transfer: a follower behind the compacted prefix could never catch up) unless
      // it is more than RETAIN_ENTRIES_MAX behind — a dead or orphaned peer must not pin the log.
      const keep = Math.max(n.raft.compactableIndex, n.raft.appliedIndex - RETAIN_ENTRIES_MAX);
      const upTo = Math.min(n.raft.appliedIndex - COMPACT_MARGIN_ENTRIES, keep);
      if (upTo >= n.raft.compactedIndex + COMPACT_MARGIN_ENTRIES) n.raft.compact(upTo);
    }
    const writes = rd.termVoteWrites;
    const msgs = rd.messages;
    if (writes.length === 0 && n.io === null) {
      this.routeAll(n, msgs);
      return;
    }
    const io = (n.io ?? Promise.resolve()).then(async () => {
      for (const tv of writes) await this.writeTermVote(n, tv);
      // A node still 'creating' is live and must talk (only a stopped node falls silent).
      if (n.state !== 'deleting') {
        this.routeAll(n, msgs);
        this.flush();
      }
    });
    n.io = io;
    this.pendingIo.add(io);
    void io.finally(() => {
      this.pendingIo.delete(io);
      if (n.io === io) n.io = null;
    });
  }

  private async writeTermVote(n: HostedNode, tv: TermVote): Promise<void> {
    this.counters.tavWrites++;
    n.tav ??= new TermVoteStore({
      disk: this.deps.disk,
      path: termVotePath(this.cfg.storeRoot, serverDirName(n.server), groupNameOf(n.group)),
      nodeId: n.raft.id,
      group: groupNameOf(n.group),
      clock: this.deps.clock,
      timeScale: this.cfg.timeScaleMs,
      // At failure time: a node being deleted fails transiently; a running one is an orphan.
      classify: () => (n.state === 'deleting' ? 'transient' : 'persistent'),
      counters: this.tav,
      log: this.deps.log,
      warnLimiter: this.limiters[n.server]!,
    });
    if (!(await n.tav.write(encodeTermVote(tv)))) n.tavFailures++;
  }

  private routeAll(n: HostedNode, msgs: readonly RaftMessage[]): void {
    for (let i = 0; i < msgs.length; i++) this.route(n.group, msgs[i]!);
  }

  /** Sends to every worker that hosts a live instance of the addressed (server, group); none: dropped. */
  private route(group: number, m: RaftMessage): void {
    if (!this.sendBudget.take()) {
      this.counters.messagesShed++;
      return;
    }
    const s = serverOfNodeId(m.to);
    const W = this.cfg.workers;
    const base = (group * this.cfg.servers + s) * W;
    let sent = false;
    for (let w = 0; w < W; w++) {
      if (this.directory.get(base + w) <= 0) continue;
      const wire: Wire = { g: group, s, m };
      if (w === this.workerId) this.localInbox.push(wire);
      else this.outboxes[w]!.push(wire);
      sent = true;
    }
    if (sent) this.counters.messagesSent++;
    else this.counters.messagesDropped++;
  }

  /** Delivers local messages (bounded rounds), then posts one batch per destination worker. */
  flush(): void {
    for (let round = 0; round < LOCAL_ROUNDS_MAX && this.localInbox.length > 0; round++) {
      const batch = this.localInbox;
      this.localInbox = [];
      this.deliver(batch);
    }
    for (let w = 0; w < this.outboxes.length; w++) {
      const out = this.outboxes[w]!;
      if (out.length === 0) continue;
      this.outboxes[w] = [];
      this.deps.transport.send(w, out);
    }
  }

  /** A batch from another worker: step every live instance of each address (shed while overloaded). */
  receive(batch: readonly Wire[]): void {
    if (this.loop.overloaded) {
      this.counters.messagesShed += batch.length;
      return;
    }
    this.deliver(batch);
  }

  private deliver(batch: readonly Wire[]): void {
    for (let i = 0; i < batch.length; i++) {
      const wire = batch[i]!;
      const list = this.hostedSet.at(wire.g * this.cfg.servers + wire.s);
      if (!list) {
        this.counters.messagesDropped++; // its instance stopped while the message was in flight
        continue;
      }
      for (let k = 0; k < list.length; k++) {
        const n = list[k]!;
        try {
          n.raft.step(wire.m);
        } catch (e) {
          this.noteSafetyViolation(n, e);
        }
        this.counters.messagesDelivered++;
        if (n.raft.hasReady()) this.touched.push(n);
      }
    }
    for (let i = 0; i < this.touched.length; i++) {
      const n = this.touched[i]!;
      try {
        if (n.state !== 'deleting' && n.raft.hasReady()) this.handleReady(n);
      } catch (e) {
        this.noteSafetyViolation(n, e);
      }
    }
    this.touched.length = 0;
  }

  // ---- observation ---------------------------------------------------------------------------------

  /** Every instance this worker really hosts, and whether anything references it. */
  census(): CensusEntry[] {
    const out: CensusEntry[] = [];
    for (const n of this.hostedSet.all()) {
      const e = this.servers[n.server]!.registry.lookup(groupNameOf(n.group));
      out.push({
        instanceId: n.instanceId,
        server: n.server,
        group: n.group,
        workerId: this.workerId,
        state: n.state,
        role: n.raft.role,
        term: n.raft.term,
        commitIndex: n.raft.commitIndex,
        tavFailures: n.tavFailures,
        inRegistry: e.state !== 'absent' && e.instanceId === n.instanceId,
        inAssignment: this.assignments.get(n.server * this.cfg.groupsMax + n.group) === n.instanceId,
      });
    }
    return out;
  }

  stats(): HostStats {
    return {
      workerId: this.workerId,
      hosted: this.hostedSet.size,
      ...this.counters,
      lateTicks: this.loop.lateTicks,
      tav: { ...this.tav },
      leaderConflicts: [...this.hostedSet.all()].reduce((k, n) => k + n.raft.leaderConflicts, 0),
      safetySamples: [...this.safetySamples],
      locks: this.servers.map((s) => ({ ...s.lockStats })),
      heapUsedBytes: process.memoryUsage().heapUsed,
    };
  }

  /** Stops the loop and waits for every node's pending I/O, so no write lands after the run. */
  async quiesce(): Promise<void> {
    this.stopTicking();
    // Deleted instances' writes included: they can still be in flight after their delete.
    await Promise.all([...this.pendingIo]);
    await this.deps.log.flush();
  }
}

async function readTermVote(disk: Disk, path: string): Promise<TermVote | undefined> {
  try {
    return decodeTermVoteLenient(await disk.readFile(path));
  } catch (e) {
    if (isErrnoError(e) && e.code === 'ENOENT') return undefined;
    throw e;
  }
}
