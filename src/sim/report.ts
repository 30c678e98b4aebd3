import { ATOMIC_STRATEGIES } from '../create/index.js';
import type { Disk } from '../storage/disk.js';
import type { SimConfig } from './config.js';
import { explore, type ExploreOptions } from './explore.js';
import { encodeSchedule } from './schedule-codec.js';
import { kindsOf, shrink, type FailureKind } from './shrink.js';

export const EXPLORE_REPORT_VERSION = 1;

/** What `raftrace explore --json` prints: one object. */
export interface ExploreReport {
  readonly version: number;
  readonly strategy: string;
  readonly mode: string;
  readonly config: SimConfig;
  readonly seed: number;
  readonly budget: number;
  readonly depth: number;
  /** Exhaustive: 'por' (persistent sets: every terminal state; `schedules` then counts representative schedules) or 'none'. */
  readonly reduction: string;
  /** Schedules covered: run (random, pct) or counted exactly (exhaustive, see `executions`). */
  readonly schedules: number;
  readonly executions: number;
  /** Exhaustive: every interleaving was covered. Always true for sampled modes. */
  readonly complete: boolean;
  readonly distinctTerminalStates: number;
  readonly withDuplicate: number;
  readonly withLeak: number;
  readonly withSplit: number;
  readonly withSafetyViolation: number;
  readonly withDeadlock: number;
  readonly withError: number;
  /** Not a failure: schedules where a create overtaken by the delete rebuilt the group (fresh tav.idx, term 0). */
  readonly withResurrection: number;
  /** Random, pct: which schedule (1-based) leaked first; 0 if none did or in exhaustive mode. */
  readonly firstLeakAt: number;
  readonly firstFailure: {
    readonly schedule: string;
    readonly kinds: FailureKind[];
    readonly steps: number;
    readonly shrunkFrom: number;
    readonly replay: string;
  } | null;
  /** clean: no failure; found: failures under racy (the bug); forbidden: any under an atomic strategy; incomplete: budget ran out. */
  readonly verdict: 'clean' | 'found' | 'forbidden' | 'incomplete';
  readonly elapsedMs: number;
  readonly schedulesPerSecond: number;
}

export async function exploreReport(cfg: SimConfig, disk: Disk, o: ExploreOptions, doShrink: boolean): Promise<ExploreReport> {
  const t0 = performance.now();
  const x = await explore(cfg, disk, o);
  const elapsedMs = performance.now() - t0;
  let firstFailure: ExploreReport['firstFailure'] = null;
  if (x.firstFailure) {
    const full = x.firstFailure.schedule;
    const small = doShrink ? await shrink(cfg, disk, full, x.firstFailure.verdict) : full;
    const schedule = encodeSchedule(cfg, small);
    firstFailure = { schedule, kinds: kindsOf(x.firstFailure.verdict), steps: small.length, shrunkFrom: full.length, replay: `raftrace explore --replay ${schedule}` };
  }
  const t = x.tally;
  const bad = t.duplicate + t.leak + t.split + t.safety + t.deadlock + t.error;
  const atomic = ATOMIC_STRATEGIES.includes(cfg.strategy);
  const verdict = !x.complete ? 'incomplete' : bad === 0 && !firstFailure ? 'clean' : atomic || t.error + t.deadlock + t.safety > 0 ? 'forbidden' : 'found';
  return {
    version: EXPLORE_REPORT_VERSION,
    strategy: cfg.strategy,
    mode: o.mode,
    config: cfg,
    seed: o.seed,
    budget: o.budget,
    depth: o.depth,
    reduction: o.reduction ?? 'none',
    schedules: t.schedules,
    executions: x.executions,
    complete: x.complete,
    distinctTerminalStates: x.terminalStates,
    withDuplicate: t.duplicate,
    withLeak: t.leak,
    withSplit: t.split,
    withSafetyViolation: t.safety,
    withDeadlock: t.deadlock,
    withError: t.error,
    withResurrection: t.resurrection,
    firstLeakAt: x.firstLeakAt,
    firstFailure,
    verdict,
    elapsedMs: Math.round(elapsedMs),
    schedulesPerSecond: Math.round((x.executions / elapsedMs) * 1000),
  };
}
