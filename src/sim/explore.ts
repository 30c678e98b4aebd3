import { createHash } from 'node:crypto';
import { Prng } from '../env/prng.js';
import type { Disk } from '../storage/disk.js';
import { threadCount, type SimConfig } from './config.js';
import { Execution, failed, type RunResult, type Verdict } from './execution.js';
import { footprints, independent, type Footprint } from './independence.js';
import { replay, runSchedule, type Chooser } from './run.js';
import { uninstallFutexHooks } from './scheduler.js';

export const MODES = ['random', 'pct', 'exhaustive'] as const;
export type Mode = (typeof MODES)[number];

/** Counts of schedules by outcome (exhaustive: exact counts of interleavings, see exhaustive()). */
export interface Tally {
  schedules: number;
  duplicate: number;
  leak: number;
  split: number;
  safety: number;
  deadlock: number;
  error: number;
  /** Informational: schedules in which a create overtaken by the delete rebuilt the group. */
  resurrection: number;
}

export const emptyTally = (): Tally => ({ schedules: 0, duplicate: 0, leak: 0, split: 0, safety: 0, deadlock: 0, error: 0, resurrection: 0 });

function addVerdict(t: Tally, v: Verdict, weight = 1): void {
  t.schedules += weight;
  if (v.duplicate) t.duplicate += weight;
  if (v.leak) t.leak += weight;
  if (v.split) t.split += weight;
  if (v.safety) t.safety += weight;
  if (v.deadlock) t.deadlock += weight;
  if (v.error !== null) t.error += weight;
  if (v.resurrection) t.resurrection += weight;
}

function addTally(into: Tally, t: Tally): void {
  for (const k of Object.keys(t) as (keyof Tally)[]) into[k] += t[k];
}

export interface Exploration {
  readonly tally: Tally;
  /** Runs actually executed (exhaustive merges equal states, so it executes far fewer than it counts). */
  readonly executions: number;
  /** Distinct canonical terminal states seen. */
  readonly terminalStates: number;
  /** The canonical terminal states themselves (exhaustive: every reachable one, when complete). */
  readonly outcomes: ReadonlySet<string>;
  /** Exhaustive only: false if the budget ran out first (then the tally covers what was executed). */
  readonly complete: boolean;
  readonly firstFailure: RunResult | null;
  /** Sampled modes: 1-based index of the first schedule that leaked (0: none did). */
  readonly firstLeakAt: number;
}

export interface ExploreOptions {
  readonly mode: Mode;
  /** Schedules to run (random, pct) or executions allowed (exhaustive). */
  readonly budget: number;
  /** Wall-clock cap in seconds (0: none). */
  readonly seconds: number;
  readonly seed: number;
  /** PCT bug depth d: d - 1 priority change points per schedule. */
  readonly depth: number;
  /** Exhaustive: merge equal states (false: plain enumeration, for checking the merge). */
  readonly merge?: boolean;
  /**
   * Exhaustive: 'por' expands only a persistent set of threads at each state (see
   * Execution.persistentSet): every reachable terminal state is still visited, but the tally then
   * counts the explored representative schedules, not every interleaving. 'sleep': the same
   * persistent sets, with sleep sets on top (Godefroid 1996, ch. 5): a thread whose step is
   * independent (src/sim/independence.ts) of a step already explored from an earlier state is not
   * explored again after it. Default 'none'.
   */
  readonly reduction?: Reduction;
}

export const REDUCTIONS = ['none', 'por', 'sleep'] as const;
export type Reduction = (typeof REDUCTIONS)[number];

/** Runs sampled schedules (random walk or PCT) until the budget or the time cap. */
export async function sample(cfg: SimConfig, disk: Disk, o: ExploreOptions): Promise<Exploration> {
  const prng = new Prng(o.seed).fork(o.mode);
  const tally = emptyTally();
  const outcomes = new Set<string>();
  let firstFailure: RunResult | null = null;
  let longest = 16 * cfg.groups * cfg.replicas * cfg.callers;
  const deadline = o.seconds > 0 ? performance.now() + o.seconds * 1000 : Infinity;
  let n = 0;
  let firstLeakAt = 0;
  for (; n < o.budget && performance.now() < deadline; n++) {
    const choose = o.mode === 'pct' ? pctChooser(prng, threadCount(cfg), longest, o.depth) : randomChooser(prng);
    const r = await runSchedule(cfg, disk, choose, 'none');
    longest = Math.max(longest, r.schedule.length);
    addVerdict(tally, r.verdict);
    outcomes.add(r.outcome);
    if (r.verdict.leak && firstLeakAt === 0) firstLeakAt = n + 1;
    // The first failure, upgraded once to the first leak: the leak is the bug users ask about.
    if (failed(r.verdict) && (!firstFailure || (r.verdict.leak && !firstFailure.verdict.leak))) firstFailure = r;
  }
  return { tally, executions: n, terminalStates: outcomes.size, outcomes, complete: true, firstFailure, firstLeakAt };
}

export function randomChooser(prng: Prng): Chooser {
  return (enabled) => enabled[prng.intBetween(0, enabled.length - 1)]!;
}

/**
 * PCT (Burckhardt et al. 2010): random distinct initial priorities d..d+n-1, d-1 change points drawn
 * uniformly in [1, k]; always run the highest-priority enabled thread, and at the i-th change point
 * drop the thread about to run to priority i (below every initial one). Finds a bug of depth d
 * with probability at least 1/(n k^(d-1)) per schedule.
 */
export function pctChooser(prng: Prng, threads: number, k: number, depth: number): Chooser {
  const prio = Array.from({ length: threads }, (_, i) => depth + i);
  for (let i = prio.length - 1; i > 0; i--) {
    const j = prng.intBetween(0, i);
    [prio[i], prio[j]] = [prio[j]!, prio[i]!];
  }
  const changeAt = new Map<number, number>();
  for (let i = 1; i < depth; i++) changeAt.set(prng.intBetween(1, k), i);
  return (enabled, step) => {
    let best = enabled[0]!;
    for (const t of enabled) if (prio[t]! > prio[best]!) best = t;
    const drop = changeAt.get(step + 1);
    if (drop === undefined) return best;
    prio[best] = drop;
    best = enabled[0]!;
    for (const t of enabled) if (prio[t]! > prio[best]!) best = t;
    return best;
  };
}

interface Node {
  readonly tally: Tally;
  /** Suffix from this state to the first failing end below it, if any. */
  readonly fail: number[] | null;
  /** The same, to the first leaking end. */
  readonly leak: number[] | null;
  /**
   * Reduction 'sleep': the threads that were asleep (not explored) when this state was explored,
   * intersected over its visits so far; a later visit explores those it finds awake. Else empty.
   */
  readonly sleep: readonly number[];
}

class BudgetSpent extends Error {}

/**
 * Every interleaving of the world's scheduling points, by depth-first search. With `merge` (the
 * default) two prefixes that reach the same state signature (shared memory, disk, each thread's
 * status, next step and history, waiters; ids renamed by builder) share one subtree: it is
 * explored once and its tally is added once per prefix. Prefixes that differ only in the order of
 * independent steps (other servers, other groups' lock-free steps) reach equal states, so this is a
 * partial-order reduction that still counts every interleaving exactly.
 */
export async function exhaustive(cfg: SimConfig, disk: Disk, o: ExploreOptions): Promise<Exploration> {
  if (cfg.raftTicks > 0) throw new RangeError('exhaustive mode needs raftTicks 0: Raft state is not part of the state signature');
  if (cfg.findPauses === true) throw new RangeError('exhaustive mode needs findPauses off: pause choices are not enumerated (random and pct explore them)');
  const memo = new Map<string, Node>();
  const outcomes = new Set<string>();
  const merge = o.merge !== false;
  const por = o.reduction === 'por' || o.reduction === 'sleep';
  const sleepy = o.reduction === 'sleep';
  const deadline = o.seconds > 0 ? performance.now() + o.seconds * 1000 : Infinity;
  let executions = 1;
  let firstFailure: number[] | null = null;
  const fresh = async (prefix: readonly number[]): Promise<Execution> => {
    if (++executions > o.budget || performance.now() > deadline) throw new BudgetSpent();
    const ex = await Execution.start(cfg, disk, 'history');
    let i = 0;
    await ex.run(() => prefix[i++]!, prefix.length); // the prefix again, driven (no promise per step)
    return ex;
  };
  /**
   * Persistent sets with sleep sets and state matching, as in Godefroid's thesis (LNCS 1032, 1996,
   * ch. 5, the stateful combination of the two): a new state stores the sleep set it was reached
   * with and explores its persistent set minus that set; a state met again with sleep set Z
   * explores the threads stored asleep that are awake in Z, and stores the intersection. Each
   * explored thread joins the sleep set of its later siblings' subtrees, where it stays while the
   * steps taken are independent of it. Every terminal state is still reached (the state space is
   * acyclic and every terminal state is a deadlock in Godefroid's sense: no thread enabled);
   * test/sim/sleep.test.ts checks it against full enumeration. Without `sleepy` every sleep set is
   * empty and this is the plain (persistent-set) search.
   */
  const dfs = async (ex: Execution, prefix: number[], sleep: readonly number[]): Promise<Node> => {
    if (ex.terminal) {
      const r = ex.result();
      ex.close();
      outcomes.add(r.outcome);
      const tally = emptyTally();
      addVerdict(tally, r.verdict);
      return { tally, fail: failed(r.verdict) ? [] : null, leak: r.verdict.leak ? [] : null, sleep: [] };
    }
    const key = merge ? createHash('sha1').update(ex.signature()).digest('base64') : '';
    const hit = merge ? memo.get(key) : undefined;
    let todo: number[];
    let asleep: number[];
    if (hit) {
      todo = hit.sleep.filter((t) => !sleep.includes(t));
      if (todo.length === 0) {
        ex.close();
        return hit;
      }
      asleep = hit.sleep.filter((t) => sleep.includes(t));
    } else {
      const set = por ? ex.persistentSet(sleepy) : ex.enabled();
      todo = sleepy ? set.filter((t) => !sleep.includes(t)) : set;
      asleep = [...sleep];
    }
    const stored = [...asleep];
    const fp = sleepy ? footprints(ex.world, ex.enabled()) : [];
    const footprint = (t: number): Footprint | null => {
      const f = fp[t];
      if (f === undefined) throw new Error(`sim: thread ${t} is asleep or explored but not enabled`);
      return f;
    };
    const tally = emptyTally();
    if (hit) addTally(tally, hit.tally);
    let fail: number[] | null = hit?.fail ?? null;
    let leak: number[] | null = hit?.leak ?? null;
    for (const [i, t] of todo.entries()) {
      const childSleep = sleepy ? asleep.filter((u) => independent(footprint(t), footprint(u))) : [];
      const child = i === 0 ? ex : await fresh(prefix);
      await child.step(t);
      const n = await dfs(child, [...prefix, t], childSleep);
      addTally(tally, n.tally);
      if (!fail && n.fail) fail = [t, ...n.fail];
      if (!leak && n.leak) leak = [t, ...n.leak];
      if (sleepy) asleep.push(t);
    }
    const node = { tally, fail, leak, sleep: stored };
    if (merge) memo.set(key, node);
    return node;
  };
  try {
    const root = await dfs(await Execution.start(cfg, disk, 'history'), [], []);
    firstFailure = root.leak ?? root.fail;
    const ff = firstFailure ? await replay(cfg, disk, firstFailure, 'none') : null;
    return { tally: root.tally, executions, terminalStates: outcomes.size, outcomes, complete: true, firstFailure: ff, firstLeakAt: 0 };
  } catch (e) {
    if (!(e instanceof BudgetSpent)) throw e;
    uninstallFutexHooks();
    return { tally: emptyTally(), executions: executions - 1, terminalStates: outcomes.size, outcomes, complete: false, firstFailure: null, firstLeakAt: 0 };
  }
}

export function explore(cfg: SimConfig, disk: Disk, o: ExploreOptions): Promise<Exploration> {
  return o.mode === 'exhaustive' ? exhaustive(cfg, disk, o) : sample(cfg, disk, o);
}
