import { STRATEGIES, type CreationStrategy } from '../create/index.js';
import { groupNameOf } from '../host/address.js';
import { decodeTermVoteLenient } from '../raft/term-vote-codec.js';
import type { ServerShm, ServerShmBuffers } from '../shm/server-shm.js';
import { SharedIntTable } from '../shm/shared-int-table.js';
import { NameCodec } from '../shm/name-codec.js';
import { isErrnoError } from '../storage/disk.js';
import { groupDir, peersPath, termVotePath } from '../storage/layout.js';
import { callerRole, threadCount, type SimConfig, type ThreadRole } from './config.js';
import { RaftClock, type RaftInstance } from './raft-clock.js';
import { ScheduledDisk, ScheduledLock } from './scheduled.js';
import { Scheduler, type SimThread } from './scheduler.js';
import { WorldMemory } from './world-memory.js';

/** How much a world records: nothing beyond the verdict, each thread's history, or a full trace. */
export type Observe = 'none' | 'history' | 'trace';

export const STORE_ROOT = '/sim';
const utf8 = new TextEncoder();
const serverDirName = (s: number): string => `S${String(s).padStart(2, '0')}`;
const NO_HISTORY = Object.freeze([]) as unknown as string[];

const groupNames: string[] = [];
/** groupNameOf, memoised: the simulation asks for the same few names on every step and in every check. */
export function groupName(group: number): string {
  return (groupNames[group] ??= groupNameOf(group));
}

/** A cell's store paths, computed once per process (path validation and joins cost a few % of a schedule). */
interface CellPaths {
  readonly dir: string;
  readonly peers: string;
  readonly tav: string;
  /** peers.idx's content (the group name); never mutated: every Disk copies what it writes. */
  readonly peersData: Uint8Array;
}
const cellPaths: CellPaths[][] = [];
export function pathsOf(server: number, group: number): CellPaths {
  const byGroup = (cellPaths[server] ??= []);
  let p = byGroup[group];
  if (!p) {
    const s = serverDirName(server);
    const name = groupName(group);
    byGroup[group] = p = { dir: groupDir(STORE_ROOT, s, name), peers: peersPath(STORE_ROOT, s, name), tav: termVotePath(STORE_ROOT, s, name), peersData: utf8.encode(name) };
  }
  return p;
}

export interface Instance {
  readonly id: number;
  /** Canonical name, independent of id allocation order: `n<thread>` (+ `.k` for its k-th build). */
  readonly label: string;
  readonly server: number;
  readonly group: number;
  live: boolean;
  /** Its Raft node, when the world runs Raft. */
  raft: RaftInstance | null;
}

/** One step of a trace: the thread that ran and what happened, in NATS's terms. */
export interface TraceStep {
  readonly step: number;
  readonly thread: string;
  readonly began: string;
  readonly events: string[];
}

/**
 * N servers' shared memory (registry, in-flight markers, js.mu) on plain SharedArrayBuffers, the
 * assignment table (`rg.node`), one memfs store and the logical threads that call the production
 * strategies. Every thread attaches the server's buffers as its own worker would.
 */
export class SimWorld {
  readonly sched = new Scheduler();
  readonly roles: readonly ThreadRole[];
  readonly strategy: CreationStrategy;
  readonly disk: ScheduledDisk;
  readonly buffers: ServerShmBuffers[];
  /** Worker 0's view of each server, used only by the checks between steps. */
  readonly observer: ServerShm[];
  readonly assignments: SharedIntTable;
  readonly instances = new Map<number, Instance>();
  private readonly labels = new Map<number, string>();
  readonly resolved: (number | null)[];
  readonly errors: (string | null)[];
  readonly histories: string[][];
  /**
   * Per thread: the length of its history when createRaftGroup returned or failed (-1 before).
   * What the thread did before that cannot change its future (see Execution.signature).
   */
  readonly createdAt: number[];
  readonly trace: TraceStep[] = [];
  /** observe !== 'none': events are recorded (histories, traces). */
  readonly observed: boolean;
  /** Raft nodes on simulated time; null when `raftTicks` is 0. */
  readonly clock: RaftClock | null;
  duplicates = 0;
  /** Instances built after their group's delete began: a create overtaken by the delete rebuilt the group. */
  resurrections = 0;
  split = false;
  /** The meta layer removed the assignment of this cell: its `rg.node` no longer references anything. */
  readonly deleteBegan: boolean[];
  /** Per cell: the instance its first caller resolved to before any delete (0: none yet), for the split check. */
  readonly firstResolved: number[];
  private readonly builds: number[];
  private readonly shms: ServerShm[];

  constructor(
    readonly cfg: SimConfig,
    disk: import('../storage/disk.js').Disk,
    readonly observe: Observe,
    /** Restored shared memory and attachments (see WorldMemory); a fresh one by default. */
    mem: WorldMemory = new WorldMemory(cfg),
  ) {
    this.roles = mem.roles;
    this.observed = observe !== 'none';
    this.strategy = STRATEGIES[cfg.strategy];
    this.disk = new ScheduledDisk(disk, this.sched, (t) => this.note(t), observe !== 'none');
    this.buffers = mem.buffers;
    this.sched.nameBuffers(mem.bufferNames);
    this.observer = mem.observer;
    this.assignments = new SharedIntTable(cfg.servers * cfg.groups, mem.assignments, 'assignment table');
    const n = this.roles.length;
    this.resolved = new Array<number | null>(n).fill(null);
    this.errors = new Array<string | null>(n).fill(null);
    // Callers, churn threads, the clock. Unobserved, nothing is ever recorded: one frozen empty
    // history serves every thread (a push would throw).
    this.histories = this.observed ? Array.from({ length: threadCount(cfg) }, () => []) : new Array<string[]>(threadCount(cfg)).fill(NO_HISTORY);
    this.createdAt = new Array<number>(threadCount(cfg)).fill(-1);
    this.builds = new Array<number>(n).fill(0);
    this.deleteBegan = new Array<boolean>(cfg.servers * cfg.groups).fill(false);
    this.firstResolved = new Array<number>(cfg.servers * cfg.groups).fill(0);
    this.shms = this.roles.map((r, i) => {
      const shm = mem.callers[i]!;
      return { ...shm, lock: new ScheduledLock(shm.lock.futex, this.sched, `js.mu of S${r.server}`) };
    });
    if (this.observed) this.sched.onWake = (_, woken) => this.note(`wakes ${woken.name}`);
    this.clock = cfg.raftTicks > 0 ? new RaftClock(cfg.servers, cfg.replicas, disk) : null;
    for (const [i, r] of this.roles.entries()) {
      const t = this.sched.spawn(r.name, (th) => this.body(th, r, this.shms[i]!));
      t.next = `createRaftGroup (${callerRole(r.caller)})`;
    }
    if (cfg.findPauses === true) {
      // Every caller's registry lookups pause between key validation and the STATE read (I5's window).
      for (const shm of this.shms) shm.registry.setTestHooks({ beforeStateReread: () => this.sched.pause() });
      for (let s = 0; s < cfg.servers; s++) this.spawnChurn(s, mem.churn[s]!);
    }
    const clock = this.clock;
    if (clock) {
      // The last thread: simulated time. Each of its steps is one tick of every live Raft node.
      const t = this.sched.spawn('clock', async () => {
        for (let i = 0; i < cfg.raftTicks; i++) {
          await clock.tick();
          if (i + 1 < cfg.raftTicks) await this.sched.yield('tick');
        }
      });
      t.next = 'tick';
    }
  }

  cell(server: number, group: number): number {
    return server * this.cfg.groups + group;
  }

  /** Canonical name of an instance id: given when its build starts, so it never depends on allocation order. */
  label(id: number): string {
    if (id === 0) return 'nil';
    return this.labels.get(id) ?? `#${id}`;
  }

  /**
   * Records an event of the running thread (no-op when nothing is observed). Callers test
   * `observed` first, so an unobserved run (random mode: most schedules) builds no event text.
   */
  note(text: string): void {
    if (!this.observed) return;
    const t = this.sched.running;
    if (!t) return;
    this.histories[t.id]!.push(text);
    if (this.observe === 'trace') this.trace.at(-1)?.events.push(text);
  }

  private async body(t: SimThread, r: ThreadRole, shm: ServerShm): Promise<void> {
    const name = groupName(r.group);
    const cell = this.cell(r.server, r.group);
    try {
      const out = await this.strategy.create(shm, {
        group: name,
        build: (id) => this.build(t, r, id),
        assign: (id) => {
          this.assignments.set(cell, id);
          if (this.observed) this.note(`rg.node = ${this.label(id)}${this.deleteBegan[cell] ? ' (on the deleted assignment)' : ''}`);
        },
        // The probes only record events: unobserved, they are left out (no closures per call).
        ...(this.observed ? { probe: { beforeCheck: () => this.note(`check ${name}`), beforePark: () => this.note('park until the creator is done') } } : {}),
      });
      this.resolved[t.id] = out.instanceId;
      if (this.observed) this.note(`createRaftGroup returns ${this.label(out.instanceId)}`);
      const inst = this.instances.get(out.instanceId);
      if (!inst || inst.server !== r.server || inst.group !== r.group) {
        // Not an instance of this (server, group) at all, e.g. another name's: the caller would drive a stranger's node.
        this.split = true;
        if (this.observed) this.note(`${this.label(out.instanceId)} is not an instance of ${name} on S${r.server}`);
      }
      if (!this.deleteBegan[cell]) {
        const first = this.firstResolved[cell]!;
        if (first === 0) this.firstResolved[cell] = out.instanceId;
        else if (first !== out.instanceId) this.split = true;
      }
    } catch (e) {
      this.errors[t.id] = errorText(e);
      if (this.observed) this.note(`createRaftGroup fails: ${errorText(e)}`);
    }
    this.createdAt[t.id] = this.histories[t.id]!.length;
    if (this.cfg.withDelete && r.caller === 0) await this.deleteGroup(r, shm);
  }

  /** NodeHost.build's window: store dir, peers.idx, tav.idx, start the node; then register (next step). */
  private async build(t: SimThread, r: ThreadRole, id: number): Promise<void> {
    const name = groupName(r.group);
    const paths = pathsOf(r.server, r.group);
    const k = ++this.builds[t.id]!;
    this.labels.set(id, `n${t.id}${k > 1 ? `.${k}` : ''}`);
    if (this.observed) this.note(`build ${this.label(id)} of ${name} on S${r.server}`);
    await this.disk.mkdirp(paths.dir);
    if (!(await this.disk.exists(paths.peers))) await this.disk.writeFile(paths.peers, paths.peersData);
    const tavPath = paths.tav;
    // A missing tav.idx (ENOENT: every first build) is a fresh node, not a failure.
    const bytes = await this.disk.readFileIfPresent(tavPath);
    const restored = bytes === undefined ? undefined : decodeTermVoteLenient(bytes);
    const label = this.label(id);
    if (this.deleteBegan[this.cell(r.server, r.group)]) this.resurrections++;
    const raft = this.clock ? this.clock.start(label, r.server, r.group, tavPath, restored, this.deleteBegan[this.cell(r.server, r.group)]!) : null;
    const inst: Instance = { id, label, server: r.server, group: r.group, live: true, raft };
    for (const o of this.instances.values()) if (o.live && o.server === r.server && o.group === r.group) this.duplicates++;
    this.instances.set(id, inst);
    if (this.observed) this.note(`start node ${inst.label}`);
    await this.sched.yield(this.cfg.strategy === 'cas' ? 'publish' : 'register');
  }

  /**
   * Another group's life on server `s` as the registry sees it — inserted (reserve + publish under
   * cas, a blind register otherwise) and removed by the strategy's own rule — as two atomic
   * actions. Its name shares the home slot of the first group hosted on `s`, so after that group's
   * unregister the churn name can take the very slot a paused find() just validated.
   */
  private spawnChurn(s: number, shm: ServerShm): void {
    const home = this.roles.find((r) => r.server === s);
    const name = home ? churnNameFor(groupName(home.group), shm.registry.capacity) : 'churn';
    let id = 0;
    // The insert is pending from the start, so any pause of the run may take it. Under cas it is
    // reserve + publish in one action: a creation whose whole build falls inside the pause.
    const insert = (): void => {
      if (this.cfg.strategy === 'cas') {
        const r = shm.registry.reserve(name);
        if (r.kind === 'won') shm.registry.publish(name, (id = r.instanceId));
      } else shm.registry.register(name, (id = shm.registry.allocateInstanceId()));
      if (id !== 0) this.labels.set(id, `churn${s}`);
      if (this.observed) this.note(`insert ${name} = ${this.label(id)}`);
    };
    const t = this.sched.spawn(
      `S${s}/churn`,
      async () => {
        if (id !== 0) await this.sched.atomic(`unregister ${name}`, () => this.strategy.unregister(shm, name, id));
      },
      insert,
    );
    t.next = `insert ${name}`;
    t.background = true; // left pending for the pauses as long as a caller can run
  }

  /**
   * The delete path of src/cluster + NodeHost.delete: read `rg.node`; on the hosting worker stop
   * that instance only, unregister it by the strategy's rule, clear the assignment if it still
   * points at it, rename the store dir aside and remove it. Duplicates are not looked for.
   */
  private async deleteGroup(r: ThreadRole, shm: ServerShm): Promise<void> {
    const name = groupName(r.group);
    const cell = this.cell(r.server, r.group);
    await this.sched.yield('delete assignment: read rg.node');
    this.deleteBegan[cell] = true;
    const id = this.assignments.get(cell);
    if (this.observed) this.note(`delete ${name}: rg.node = ${this.label(id)}`);
    if (id === 0) return;
    // One atomic action (no await inside), so a find pause of another caller may run it nested.
    await this.sched.atomic(`Delete() ${this.label(id)}`, () => {
      const inst = this.instances.get(id);
      if (inst) {
        inst.live = false;
        if (inst.raft) inst.raft.live = false;
      }
      if (this.observed) this.note(`stop ${this.label(id)}`);
      this.strategy.unregister(shm, name, id);
      this.assignments.compareAndSet(cell, id, 0);
    });
    const dir = pathsOf(r.server, r.group).dir;
    const trash = `${dir}.deleted.${this.label(id)}`;
    try {
      await this.disk.rename(dir, trash);
    } catch (e) {
      if (isErrnoError(e) && e.code === 'ENOENT') return;
      throw e;
    }
    await this.disk.rm(trash);
  }
}

/** The first name `churn-<k>` whose home slot (hash & (capacity - 1)) is the home slot of `group`. */
function churnNameFor(group: string, capacity: number): string {
  const codec = new NameCodec(64);
  codec.encode(group);
  const home = codec.hash & (capacity - 1);
  for (let k = 0; ; k++) {
    codec.encode(`churn-${k}`);
    if ((codec.hash & (capacity - 1)) === home) return `churn-${k}`;
  }
}

function errorText(e: unknown): string {
  const code = (e as { code?: unknown }).code;
  return typeof code === 'string' ? code : e instanceof Error ? e.message : String(e);
}
