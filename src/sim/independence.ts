import type { StrategyName } from '../create/strategy.js';
import type { SimWorld } from './world.js';

/**
 * Labels of steps that touch only their own cell's objects and reach the next scheduling point
 * without a lock operation, whatever the state. Not `write`: writing peers.idx into a store dir the
 * delete renamed away fails (ENOENT), and under `locked` that error unwinds through js.mu's release.
 * (`read` of tav.idx fails only with ENOENT, which the build catches; mkdir and stat do not fail.)
 */
export const CELL_LOCAL_STEP = /^(?:mkdir|stat|read|rename|rm) |^delete assignment: read rg\.node$|^Delete\(\) /;

/**
 * Strategies whose js.mu critical sections never span a scheduling point: every `lock.run`
 * callback of racy (src/create/racy.ts) and inflight (src/create/inflight.ts) is synchronous, so
 * a step that takes js.mu releases it before the step ends; cas never takes it; broken-cas is
 * racy. Then js.mu is free at every state, every attempt succeeds at once and nobody ever waits on
 * it: it cannot order or couple steps of different cells (the generation count it bumps is not
 * part of the state). Checked, not trusted: `transientJsMu` throws if js.mu is held at a state.
 */
const TRANSIENT_JS_MU: ReadonlySet<StrategyName> = new Set<StrategyName>(['racy', 'inflight', 'cas', 'broken-cas']);

/**
 * Strategies whose first step (label `createRaftGroup …`) only records `check <name>` in the
 * thread's own history and stops at ScheduledLock's `lock js.mu` point: `probe.beforeCheck()`
 * then `server.lock.run(…)` (locked.ts, inflight.ts, racy.ts; broken-cas is racy). Not cas, whose
 * first step reserves the name's slot.
 */
const LOCK_FIRST: ReadonlySet<StrategyName> = new Set<StrategyName>(['locked', 'inflight', 'racy', 'broken-cas']);

/** True when the strategy's js.mu is transient (see TRANSIENT_JS_MU); throws if a state contradicts it. */
export function transientJsMu(w: SimWorld): boolean {
  if (!TRANSIENT_JS_MU.has(w.cfg.strategy)) return false;
  for (const [s, o] of w.observer.entries()) {
    if (o.lock.futex.isLocked()) throw new Error(`sim: js.mu of S${s} is held at a scheduling point under ${w.cfg.strategy}, whose critical sections the reduction takes as never spanning one`);
  }
  return true;
}

/** The thread holding js.mu of `server`, or -1: thread i attaches as worker i + 1, whose holder id is worker + 1. */
export function holderOf(w: SimWorld, server: number): number {
  const f = w.observer[server]!.lock.futex;
  return f.isLocked() ? f.holder() - 2 : -1;
}

const waitsForJsMu = (next: string): boolean => next.startsWith('lock js.mu') || next.startsWith('woken on js.mu');

/**
 * A persistent set of one thread: the holder H of js.mu (not under a transient strategy), when
 * its next step does no js.mu operation and no other thread can touch H's cell before H moves.
 * Conditions: H's next step is CELL_LOCAL_STEP or `write`, and every other unfinished thread of
 * H's cell waits for js.mu (blocked on it, or ready at a `lock js.mu` / `woken on js.mu` point), or
 * is at a first step that only reaches that point (LOCK_FIRST).
 *
 * Why persistent: while H does not run, js.mu stays held by H, so the cell's other threads can only
 * queue on js.mu (a step that reads no cell) or make that first step; the only writers of a cell
 * without js.mu are its delete (not running: it is not waiting for js.mu) and, under transient
 * strategies, builders outside the lock (excluded: js.mu would not be held here). Threads of other
 * cells touch their own cells and js.mu's word and waiter list, which H's step does not touch
 * (common store ancestors are created idempotently). `write` is included because its only failure,
 * ENOENT from a dir renamed away (the one path by which it could unwind through js.mu's release),
 * needs the cell's delete to run. So no step outside {H} taken before H's is dependent on H's.
 */
export function holderAlone(w: SimWorld): number[] | null {
  for (let s = 0; s < w.cfg.servers; s++) {
    const h = holderOf(w, s);
    const ht = h >= 0 ? w.sched.threads[h] : undefined;
    const hr = w.roles[h];
    if (!ht || !hr || ht.status !== 'ready' || !(CELL_LOCAL_STEP.test(ht.next) || ht.next.startsWith('write '))) continue;
    let alone = true;
    for (const t of w.sched.threads) {
      if (t === ht || t.status === 'done') continue;
      const r = w.roles[t.id];
      if (!r) return null; // a thread without a cell (Raft clock, churn): no reduction
      if (r.server !== hr.server || r.group !== hr.group) continue;
      const firstStep = t.status === 'ready' && t.next.startsWith('createRaftGroup') && LOCK_FIRST.has(w.cfg.strategy);
      if (!waitsForJsMu(t.next) && !firstStep) alone = false;
    }
    if (alone) return [h];
  }
  return null;
}

/**
 * A step that touches nothing any other step reads or writes: the delete's last step, `rm` of the
 * trash dir `<store dir>.deleted.<instance label>` (world.ts deleteGroup). The label is unique per
 * instance and only caller 0 deletes, so only this thread's rename created that path; no other
 * operation names it or a path under it (builders use `<store dir>/…`; mkdirp of the store dir
 * creates only its ancestors); the outcome looks at the store dir, not the trash. After it the
 * thread ends. Such a thread alone is a persistent set, and its step is independent of all.
 */
const PRIVATE_STEP = /^rm \S+\.deleted\.[^/]+$/;

/** A thread whose next step is PRIVATE_STEP, alone (the lowest id), or null. */
export function privateAlone(w: SimWorld): number[] | null {
  for (const t of w.sched.threads) if (t.status === 'ready' && w.roles[t.id] && PRIVATE_STEP.test(t.next)) return [t.id];
  return null;
}

/**
 * What the next step of one enabled thread may touch, read off the state before it runs:
 *
 * - `own`: a LOCK_FIRST strategy's first step, or a PRIVATE_STEP: the thread's own history and
 *   status only, and paths nobody else names.
 * - `local`: its cell only — the name's registry entry and in-flight marker, the store dir, the
 *   assignment word, the cell's instances — and no lasting js.mu effect: a CELL_LOCAL_STEP, or any
 *   step under a transient js.mu (TRANSIENT_JS_MU: taken and released within the step, never
 *   contended).
 * - `enqueue`: a `lock js.mu …` / `woken on js.mu …` step while js.mu is held by ANOTHER thread.
 *   It can only park the thread (IsolateLock.acquire: its own async-mutex semaphore, which only it uses; then
 *   FutexMutex.lockAsync: failed compareExchange and spin, exchange to CONTENDED, waitAsync). It
 *   writes the futex word (CONTENDED, which with waiters it already is, and which only decides
 *   whether the holder's unlock notifies) and appends to js.mu's waiter list; it reads no cell.
 * - `any`: anything else (a lock acquisition, a release, a wake-up): its cell and js.mu.
 */
export type StepKind = 'own' | 'local' | 'enqueue' | 'any';

export interface Footprint {
  readonly server: number;
  readonly cell: number;
  readonly kind: StepKind;
}

/** Footprints of the enabled threads, indexed by thread id; null (dependent on all) for a thread without a cell. */
export function footprints(w: SimWorld, enabled: readonly number[]): (Footprint | null)[] {
  const transient = transientJsMu(w);
  const out: (Footprint | null)[] = [];
  for (const id of enabled) {
    const t = w.sched.threads[id]!;
    const r = w.roles[id];
    if (!r || t.background) {
      out[id] = null;
      continue;
    }
    const h = holderOf(w, r.server);
    let kind: StepKind;
    if ((t.next.startsWith('createRaftGroup') && LOCK_FIRST.has(w.cfg.strategy)) || PRIVATE_STEP.test(t.next)) kind = 'own';
    else if (transient || CELL_LOCAL_STEP.test(t.next)) kind = 'local';
    else kind = waitsForJsMu(t.next) && h >= 0 && h !== id ? 'enqueue' : 'any';
    out[id] = { server: r.server, cell: w.cell(r.server, r.group), kind };
  }
  return out;
}

/**
 * Independence of two steps enabled in the same state: run in either order they reach the same
 * state (as the state signature sees it), and neither changes what the other does. Steps never
 * disable each other here (only a thread's own step makes it blocked or done; a wake only enables).
 *
 * - `own` with anything: it touches nothing another step reads or writes.
 * - Different servers: independent. They share nothing (the argument of Execution.persistentSet:
 *   common store ancestors are created idempotently, instance ids are renamed by builder).
 * - Same server, both `enqueue`: dependent (the order of js.mu's FIFO waiter list).
 * - `enqueue` and `local`: independent. The `local` step does no js.mu operation, so js.mu stays
 *   held by the same other thread in both orders and the attempt parks either way; the attempt
 *   touches no cell, so the `local` step reads and writes the same values either way.
 * - `enqueue` and `any`: dependent (the other step may release js.mu or queue on it).
 * - Otherwise (`local` or `any` with `local` or `any`): independent iff different cells and not
 *   both `any` (two steps that may both operate on js.mu are ordered by it). Registry operations
 *   on different names commute on the name → entry map the state is defined by, as in
 *   Execution.persistentSet.
 */
export function independent(a: Footprint | null, b: Footprint | null): boolean {
  if (a === null || b === null) return false;
  if (a.kind === 'own' || b.kind === 'own') return true;
  if (a.server !== b.server) return true;
  if (a.kind === 'enqueue' || b.kind === 'enqueue') return a.kind === 'local' || b.kind === 'local';
  return a.cell !== b.cell && (a.kind === 'local' || b.kind === 'local');
}
