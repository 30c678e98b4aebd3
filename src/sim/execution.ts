import type { RegistrySnapshotEntry } from '../shm/shared-registry.js';
import type { Disk } from '../storage/disk.js';
import type { SimConfig } from './config.js';
import type { SimThread } from './scheduler.js';
import { SimDisk } from './sim-disk.js';
import { groupName, pathsOf, SimWorld, STORE_ROOT, type Observe, type TraceStep } from './world.js';
import { WorldMemory } from './world-memory.js';
import { CELL_LOCAL_STEP, holderAlone, privateAlone, transientJsMu } from './independence.js';

/** The checks on one finished schedule. */
export interface Verdict {
  /** Two live instances of one (server, group) at once. */
  readonly duplicate: boolean;
  /** A live instance that neither its server's registry nor its (not deleted) assignment references. */
  readonly leak: boolean;
  /** Callers of one (server, group) returned different instances before any delete began (NATS's identity test). */
  readonly split: boolean;
  /** Raft safety violations (two leaders in a term, diverging commits); 0 without Raft nodes. */
  readonly safety: boolean;
  /** Some thread stayed parked forever (a lost wake-up or a lock never released). */
  readonly deadlock: boolean;
  /** A caller failed (an error code), e.g. RT_LOCK_MISUSE. */
  readonly error: string | null;
  /** Informational, not a failure: a create overtaken by the delete rebuilt the group afterwards. */
  readonly resurrection: boolean;
}

export interface RunResult {
  /** Thread ids in the order they ran: the schedule that replays this run step for step. */
  readonly schedule: number[];
  readonly verdict: Verdict;
  /** The terminal state, canonical (ids renamed by who built them): equal runs print equal strings. */
  readonly outcome: string;
  readonly trace: TraceStep[];
  /** Atomic actions that ran nested inside another thread's find pause. */
  readonly nested: number;
}

/**
 * Shared memory and its attachments are reused per disk and world shape (restored before each
 * execution, see WorldMemory): an explorer runs its executions one after another on one disk.
 */
const memories = new WeakMap<Disk, Map<string, WorldMemory>>();

function memoryFor(cfg: SimConfig, disk: Disk): WorldMemory {
  let byShape = memories.get(disk);
  if (!byShape) memories.set(disk, (byShape = new Map<string, WorldMemory>()));
  const shape = WorldMemory.shapeOf(cfg);
  let mem = byShape.get(shape);
  if (!mem) byShape.set(shape, (mem = new WorldMemory(cfg)));
  else mem.restore();
  return mem;
}

export const failed = (v: Verdict): boolean => v.duplicate || v.leak || v.split || v.safety || v.deadlock || v.error !== null;

/**
 * One run of a world under the scheduler, driven a step at a time by an explorer. The futex hooks
 * are installed from `start` to `close`: one execution at a time per isolate.
 */
export class Execution {
  readonly schedule: number[] = [];
  private uninstall: (() => void) | null;

  private constructor(readonly world: SimWorld) {
    this.uninstall = world.sched.install();
  }

  /** `reuse` false: fresh memory for this execution (for checking that reuse changes nothing). */
  static async start(cfg: SimConfig, disk: Disk, observe: Observe, reuse = true): Promise<Execution> {
    if (disk instanceof SimDisk) disk.rmSync(STORE_ROOT);
    else await disk.rm(STORE_ROOT);
    return new Execution(new SimWorld(cfg, disk, observe, reuse ? memoryFor(cfg, disk) : new WorldMemory(cfg)));
  }

  /** Ids of the threads that may run now, ascending. */
  enabled(): number[] {
    return this.world.sched.enabledIds();
  }

  /**
   * A persistent set of the enabled threads (Godefroid 1996): a subset such that, from this state,
   * no sequence of steps by threads outside it can contain a step dependent on (or enabling or
   * disabling) a step of a thread inside it. Exploring only these threads still reaches every
   * terminal state (Godefroid's Theorem 4.3 for acyclic state spaces: ours is acyclic, every step
   * lengthens some history or ends a thread), and every oracle is a function of the terminal state
   * (duplicate, split and resurrection are sticky flags; leak, deadlock, error are read at the end).
   *
   * Dependency, from what each thread can touch: a thread of cell (server s, group g) touches only
   * that cell's objects — its name's registry slot and in-flight marker, its store dir, its
   * assignment word, its instances — plus js.mu of s, which every cell of s shares. Threads of two
   * different servers share nothing (mkdirp of common ancestors is idempotent, instance ids are
   * canonicalised by builder). Registry operations on different names commute on the name → entry
   * map that the state is defined by (their slot positions may differ, which only ever changes
   * which slot a name's own waiters wait on). So the enabled threads of one cell form a persistent
   * set when none of the cell's threads can meet js.mu: no enabled one holds it or is about to take
   * it (next step "lock …" or "woken on js.mu …") and no blocked one waits on it (another cell's
   * unlock could wake it). Without such a cell, every enabled thread is explored.
   *
   * Also persistent: the enabled threads of the cell whose thread HOLDS js.mu, when every one of
   * them is about to take a cell-local step (CELL_LOCAL_STEP: a disk operation, the delete's read
   * of rg.node or its unregister). Such a step runs to the thread's next scheduling point without
   * touching js.mu (each of these points is followed by another one of them, by `register` /
   * `publish`, or by the thread's end, never by a lock operation), so no step of the cell in the
   * set releases js.mu; outside it, js.mu then stays held, so another cell's thread can only block
   * on it (futex word and waiter list, which no step in the set touches) or take steps on its own
   * cell, and the cell's own threads blocked on js.mu can only be woken by the holder. (This is
   * what lets `locked` shrink: its holder does all its disk I/O under js.mu while every other
   * caller queues.) Checked against full enumeration by test/sim/por.test.ts.
   *
   * `strong` (reduction 'sleep') adds three rules, argued in independence.ts: a thread about to
   * take a step nobody else can see, alone (privateAlone); the holder of js.mu alone
   * (holderAlone); and under a strategy whose js.mu is transient every cell counts as lock-free
   * (js.mu is free at every state and nobody waits on it, so it couples no cells).
   */
  persistentSet(strong = false): number[] {
    const w = this.world;
    const enabled = this.enabled();
    const alone = strong ? (privateAlone(w) ?? holderAlone(w)) : null;
    if (alone) return alone;
    const transient = strong && transientJsMu(w);
    const cells = new Map<number, { enabled: number[]; lockFree: boolean; holds: boolean; local: boolean }>();
    for (const t of w.sched.threads) {
      const r = w.roles[t.id];
      if (!r || t.status === 'done') {
        if (t.status !== 'done') return enabled; // a thread without a cell (the Raft clock): no reduction
        continue;
      }
      const c = w.cell(r.server, r.group);
      let e = cells.get(c);
      if (!e) cells.set(c, (e = { enabled: [], lockFree: true, holds: false, local: true }));
      if (t.status === 'ready') {
        e.enabled.push(t.id);
        if (!CELL_LOCAL_STEP.test(t.next)) e.local = false;
      }
      const lock = w.observer[r.server]!.lock.futex;
      const holds = lock.isLocked() && lock.holder() === t.id + 2; // thread i attaches as worker i + 1, holder id worker + 1
      if (holds) e.holds = true;
      if (!transient && (holds || t.next.startsWith('lock js.mu') || t.next.startsWith('woken on js.mu'))) e.lockFree = false;
    }
    // The first qualifying cell, in cell order: a cell is then run to its end before the next, so
    // the states visited grow like the sum over cells, not their product.
    for (const e of cells.values()) if (e.enabled.length > 0 && (e.lockFree || (e.holds && e.local))) return e.enabled;
    return enabled;
  }

  get terminal(): boolean {
    return this.world.sched.finished;
  }

  async step(tid: number): Promise<void> {
    const t = this.beforeStep(tid);
    await this.world.sched.step(t);
    this.afterStep();
  }

  /**
   * Steps the thread `choose` picks until the world is terminal or `maxSteps` threads were picked
   * (then false: a livelock). The same bookkeeping as `step`, through Scheduler.drive: no promise
   * per step.
   */
  async run(choose: (enabled: readonly number[], step: number) => number, maxSteps: number): Promise<boolean> {
    let ended = true;
    let first = true;
    const ids: number[] = []; // refilled per step: `choose` reads it and keeps nothing
    await this.world.sched.drive(() => {
      if (!first) this.afterStep();
      first = false;
      const enabled = this.world.sched.enabledIds(ids);
      if (enabled.length === 0) return null; // terminal: no thread is ready
      if (this.schedule.length >= maxSteps) {
        ended = false;
        return null;
      }
      return this.beforeStep(choose(enabled, this.schedule.length));
    });
    return ended;
  }

  /** The step about to run (-1: none): its thread, and the thread's cell view before it (for afterStep). */
  private pendingTid = -1;
  private pendingBefore = '';

  private beforeStep(tid: number): SimThread {
    const w = this.world;
    const t = w.sched.threads[tid];
    if (!t) throw new Error(`sim: no thread ${tid}`);
    const r = w.roles[tid];
    const before = !w.observed || !r ? '' : this.cellView(r.server, r.group);
    if (w.observe === 'trace') w.trace.push({ step: this.schedule.length + 1, thread: t.name, began: t.next, events: [] });
    this.schedule.push(tid);
    this.pendingTid = tid;
    this.pendingBefore = before;
    return t;
  }

  private afterStep(): void {
    const w = this.world;
    const tid = this.pendingTid;
    this.pendingTid = -1;
    if (tid < 0 || !w.observed) return;
    const r = w.roles[tid];
    if (!r) return;
    const after = this.cellView(r.server, r.group);
    if (after !== this.pendingBefore) {
      const h = w.histories[tid]!;
      const line = `S${r.server} ${after}`;
      h.push(line);
      if (w.observe === 'trace') w.trace.at(-1)!.events.push(line);
    }
  }

  close(): void {
    this.uninstall?.();
    this.uninstall = null;
  }

  verdict(): Verdict {
    const w = this.world;
    let leak = false;
    for (const inst of w.instances.values()) {
      if (!inst.live) continue;
      const e = w.observer[inst.server]!.registry.lookup(groupName(inst.group));
      const inRegistry = e.state !== 'absent' && e.instanceId === inst.id;
      // A deleted assignment references nothing, whatever its rg.node was set to (NATS: nobody holds that rg any more).
      const cell = w.cell(inst.server, inst.group);
      const inAssignment = !w.deleteBegan[cell] && w.assignments.get(cell) === inst.id;
      if (!inRegistry && !inAssignment) leak = true;
    }
    const threadError = w.sched.threads.find((t) => t.error !== undefined);
    // An errno failure (ENOENT: the delete renamed the store dir away mid-build) is the expected end
    // of a creation that raced its group's deletion, recorded in the outcome; anything else is a bug.
    const error = w.errors.find((e) => e !== null && !/^E[A-Z]+$/.test(e)) ?? (threadError ? String((threadError.error as Error).message ?? threadError.error) : null);
    return { duplicate: w.duplicates > 0, leak, split: w.split, safety: (w.clock?.safetyViolations.length ?? 0) > 0, deadlock: w.sched.deadlocked, error, resurrection: w.resurrections > 0 };
  }

  result(): RunResult {
    return { schedule: [...this.schedule], verdict: this.verdict(), outcome: this.outcome(), trace: this.world.trace, nested: this.world.sched.nestedActions };
  }

  /** Terminal state, canonical: per (server, group) registry, marker, rg.node, live instances, store dir; per caller what it got. */
  outcome(): string {
    const w = this.world;
    const parts: string[] = [];
    // Live labels by cell in one pass (this runs once per random schedule).
    const liveByCell: string[][] = [];
    for (const r of w.roles) liveByCell[w.cell(r.server, r.group)] ??= [];
    for (const i of w.instances.values()) if (i.live) liveByCell[w.cell(i.server, i.group)]?.push(i.label);
    for (let s = 0; s < w.cfg.servers; s++) {
      for (let g = 0; g < w.cfg.groups; g++) {
        const live = liveByCell[w.cell(s, g)];
        if (live === undefined) continue;
        live.sort();
        const dir = pathsOf(s, g).dir;
        parts.push(`S${s}/g${g}{${this.cellView(s, g)} live=[${live.join(',')}] dir=${w.disk.paths.has(dir) ? 'yes' : 'no'}}`);
      }
    }
    const callers = w.roles.map((r, i) => `${r.name}=${w.errors[i] ?? (w.resolved[i] ? w.label(w.resolved[i] ?? 0) : '-')}`);
    const c = w.clock;
    const raft = c ? ` raft{ticks=${c.ticks} tavFailures=${c.tavFailures} safety=${c.safetyViolations.length}}` : '';
    return `${parts.join(' ')} ${callers.join(' ')}${raft}`;
  }

  /**
   * The whole state that decides the rest of the run: shared memory (canonical), disk paths, each
   * thread's status, next step and history of what it did and saw, and who waits where. Two
   * prefixes with equal signatures have the same set of futures (up to instance-id renaming).
   */
  signature(): string {
    const w = this.world;
    const cells: string[] = [];
    for (let s = 0; s < w.cfg.servers; s++) {
      for (let g = 0; g < w.cfg.groups; g++) cells.push(`${w.assignments.get(w.cell(s, g)) === 0 ? '' : w.label(w.assignments.get(w.cell(s, g)))}`);
      const o = w.observer[s]!;
      cells.push(o.lock.futex.isLocked() ? `L${o.lock.futex.holder()}` : 'U', this.entries(o.registry.snapshot(), false), this.entries(o.inflight.snapshot(), true));
    }
    // A finished thread has no future: only what it left matters (its result or error), not the
    // history that got it there, so prefixes that differ only in a finished thread's past merge.
    // What its past could still decide is kept explicitly: the sticky duplicate/split/resurrection
    // flags, each cell's first resolved instance (the split check; moot once split) and whether
    // its delete began. Likewise a thread whose createRaftGroup has returned (or failed): all it
    // has left to run is the delete (world.ts body), whose locals are the thread's constants, so
    // only what createRaftGroup gave it and its history since then are kept.
    const threads = w.sched.threads.map((t) =>
      t.status === 'done'
        ? `done:${w.errors[t.id] ?? w.label(w.resolved[t.id] ?? 0)}:${t.error === undefined ? '' : t.error instanceof Error ? t.error.message : 'error'}`
        : w.createdAt[t.id]! >= 0
          ? `${t.status}:${t.next}:returned ${w.errors[t.id] ?? w.label(w.resolved[t.id] ?? 0)}:${w.histories[t.id]!.slice(w.createdAt[t.id]).join('|')}`
          : `${t.status}:${t.next}:${w.histories[t.id]!.join('|')}`,
    );
    const flags = `${w.duplicates > 0 ? 'D' : ''}${w.split ? 'S' : ''}${w.resurrections > 0 ? 'R' : ''}${w.split ? '' : w.firstResolved.map((id) => w.label(id)).join(',')}/${w.deleteBegan.map((b) => (b ? 1 : 0)).join('')}`;
    const live = [...w.instances.values()].filter((i) => i.live).map((i) => i.label).sort();
    return `${cells.join(';')}#${[...w.disk.paths].sort().join(',')}#${live.join(',')}#${w.sched.waiterSignature()}#${flags}#${threads.join('\n')}`;
  }

  private cellView(s: number, g: number): string {
    const w = this.world;
    const name = groupName(g);
    const o = w.observer[s]!;
    const e = o.registry.lookup(name);
    const m = o.inflight.lookup(name);
    const reg = e.state === 'absent' ? '-' : `${e.state === 'reserved' ? 'RESERVED' : 'RUNNING'}(${w.label(e.instanceId)})`;
    return `raftNodes=${reg} inflight=${m.state === 'absent' ? '-' : 'marker'} rg.node=${w.label(w.assignments.get(w.cell(s, g)))}`;
  }

  /** Entries with ids renamed: instances by builder, in-flight markers (their own id counter) by owner. */
  private entries(es: RegistrySnapshotEntry[], markers: boolean): string {
    return es
      .map((e) => `${e.name}=${e.state[0]}${markers ? `o${e.owner}` : this.world.label(e.instanceId)}`)
      .sort()
      .join(',');
  }
}
