import type { Clock } from '../env/clock.js';
import { Prng } from '../env/prng.js';
import { groupNameOf, nodeIdOf, replicasOf } from '../host/address.js';
import { HostCore } from '../host/host-core.js';
import { HostDriver, type Transport } from '../host/host-driver.js';
import { HostedNode } from '../host/hosted-node.js';
import { SendBudget } from '../host/send-budget.js';
import { NATS_TICK_MS } from '../raft/config.js';
import { RaftNode } from '../raft/node.js';
import type { LogImage, TermVote } from '../raft/types.js';
import { RunTables } from '../shm/run-tables.js';
import { attachServerShm, type ServerShm } from '../shm/server-shm.js';
import type { Disk } from '../storage/disk.js';
import { groupDir, termVotePath } from '../storage/layout.js';
import type { RaftLogSink } from '../storage/raft-log.js';
import { newTavFailureCounters, StatementRateLimiter, WARN_EXPIRY_NATS_MS } from '../storage/term-vote-store.js';
import { VERSION_PROFILES, type VersionProfile } from './nats-version.js';
import type { CensusEntry, HostConfig, HostStats, RunBuffers } from './protocol.js';
import { atomicRenameDisk, TermVoteFile } from './term-vote-file.js';

export interface ServerModelDeps {
  readonly workerId: number;
  readonly config: HostConfig;
  readonly buffers: RunBuffers;
  readonly transport: Transport;
  readonly disk: Disk;
  readonly clock: Clock;
  readonly log: RaftLogSink;
  /** The host core's tick (see HostCoreDeps.tickMode); default 'due'. Benches and tests compare the two. */
  readonly tickMode?: 'due' | 'every';
  /** Whether the core parks steady nodes (see HostCoreDeps.park); default true. Benches and tests compare the two. */
  readonly park?: boolean;
}

export const serverDirName = (server: number): string => `S${String(server).padStart(2, '0')}`;

/**
 * The NATS servers' JetStream side as one worker hosts it: every modelled server's shared state
 * (registry, `js.mu`, in-flight markers), the assignment table, the version profile, and the host
 * (a synchronous core plus its async driver) that runs the Raft nodes. The NATS paths themselves
 * live one per file (create-raft-group.ts, delete-node.ts, stop-node.ts) and act on this object.
 */
export class ServerModel {
  readonly workerId: number;
  readonly cfg: HostConfig;
  readonly profile: VersionProfile;
  readonly servers: readonly ServerShm[];
  readonly tables: RunTables;
  readonly core: HostCore;
  readonly driver: HostDriver;
  readonly disk: Disk;
  readonly clock: Clock;
  readonly log: RaftLogSink;
  readonly tav = newTavFailureCounters();
  reservationWaits = 0;
  private readonly prng: Prng;
  private readonly limiters: StatementRateLimiter[];
  private readonly peersByGroup = new Map<number, readonly string[]>();
  /** The disk tav.idx writes go through (temp file + rename from #5848), shared by every node. */
  private readonly tavDisk: Disk;

  constructor(deps: ServerModelDeps) {
    const c = deps.config;
    this.workerId = deps.workerId;
    this.cfg = c;
    this.profile = VERSION_PROFILES[c.natsVersion];
    this.disk = deps.disk;
    this.tavDisk = this.profile.tavWriter === 'atomic-skip' ? atomicRenameDisk(deps.disk) : deps.disk;
    this.clock = deps.clock;
    this.log = deps.log;
    this.servers = deps.buffers.servers.map((b) => attachServerShm(b, deps.workerId, c.waitTimeoutMs));
    this.tables = new RunTables(c, deps.buffers.tables);
    this.prng = new Prng(c.seed).fork(`host-${deps.workerId}`);
    this.limiters = Array.from({ length: c.servers }, () => new StatementRateLimiter(deps.clock, (WARN_EXPIRY_NATS_MS / 1000) * c.timeScaleMs));
    const tickIntervalMs = (c.timeScaleMs * NATS_TICK_MS) / 1000;
    this.core = new HostCore({
      workerId: deps.workerId,
      servers: c.servers,
      workers: c.workers,
      entriesPerTick: (c.entriesPerSecondPerGroup * NATS_TICK_MS) / 1000,
      directory: this.tables,
      budget: new SendBudget(deps.clock, c.messagesPerSecondMax),
      clock: deps.clock,
      ...(deps.tickMode ? { tickMode: deps.tickMode } : {}),
      timing: c.timing,
      park: deps.park ?? true,
    });
    this.driver = new HostDriver(this.core, {
      transport: deps.transport,
      addLive: (server, group, delta) => this.tables.addLive(server, group, deps.workerId, delta),
      writerFor: (n) => this.termVoteWriter(n),
      clock: deps.clock,
      tickIntervalMs,
      busyMs: tickIntervalMs * c.cpuBusyShare,
    });
  }

  /** A node's tav.idx writer as this version writes it (see term-vote-file.ts). */
  termVoteWriter(n: HostedNode): TermVoteFile {
    return new TermVoteFile(n, termVotePath(this.cfg.storeRoot, serverDirName(n.server), groupNameOf(n.group)), groupNameOf(n.group), this.profile, {
      disk: this.tavDisk, clock: this.clock, log: this.log, counters: this.tav, limiter: this.limiters[n.server]!, timeScaleMs: this.cfg.timeScaleMs,
    });
  }

  /** `<storeRoot>/<server>/_js_/<group>`: the NATS store dir of (server, group). */
  storeDir(server: number, group: number): string {
    return groupDir(this.cfg.storeRoot, serverDirName(server), groupNameOf(group));
  }

  peersOf(group: number): readonly string[] {
    let p = this.peersByGroup.get(group);
    if (!p) {
      p = Object.freeze(replicasOf(group, this.cfg.servers, this.cfg.replicas).map(nodeIdOf));
      this.peersByGroup.set(group, p);
    }
    return p;
  }

  /** A node built by a window: known to the core, not yet ticking or receiving. */
  newNode(instanceId: number, server: number, group: number, restored: TermVote | undefined, log?: LogImage): HostedNode {
    const raft = new RaftNode({
      id: nodeIdOf(server),
      peers: this.peersOf(group),
      timing: this.cfg.timing,
      prng: this.prng.fork(`i${instanceId}`),
      ...(restored ? { restored } : {}),
      ...(log ? { restoredLog: log } : {}),
    });
    const n = new HostedNode(instanceId, server, group, group * this.cfg.servers + server, raft);
    this.core.add(n);
    return n;
  }

  /** Every instance this worker really hosts, and whether anything references it. */
  census(): CensusEntry[] {
    const out: CensusEntry[] = [];
    for (const n of this.core.nodes()) {
      const e = this.servers[n.server]!.registry.lookup(groupNameOf(n.group));
      out.push({
        instanceId: n.instanceId, server: n.server, group: n.group, workerId: this.workerId, state: n.state,
        role: n.raft.role, term: n.raft.term, commitIndex: n.raft.commitIndex, tavFailures: n.tavFailures,
        inRegistry: e.state !== 'absent' && e.instanceId === n.instanceId,
        inAssignment: this.tables.assigned(n.server, n.group) === n.instanceId,
      });
    }
    return out;
  }

  stats(): HostStats {
    let leaderConflicts = 0;
    for (const n of this.core.nodes()) leaderConflicts += n.raft.leaderConflicts;
    return {
      workerId: this.workerId,
      hosted: this.core.size,
      ...this.core.counters,
      tavWrites: this.driver.tavWrites,
      reservationWaits: this.reservationWaits,
      lateTicks: this.driver.lateTicks,
      tav: { ...this.tav },
      leaderConflicts,
      safetySamples: [...this.core.safetySamples],
      locks: this.servers.map((s) => ({ ...s.lockStats })),
      heapUsedBytes: process.memoryUsage().heapUsed,
    };
  }

  /** Stops ticking and waits for every write in flight, so nothing lands after the run. */
  async quiesce(): Promise<void> {
    await this.driver.quiesce();
    await this.log.flush();
  }
}
