import type { ScenarioConfig } from './config.js';
import { machineFacts } from './machine.js';
import type { LatencySummaryMs, ScenarioResult } from './result.js';
import { percentile } from './stats.js';

/**
 * What every target's run shares — the worker_threads model (run.ts) and a real nats-server
 * cluster (src/target/nats/run.ts): its progress, its clock, and the parts of the result that do not
 * depend on what ran it. One place, so the two targets' results cannot drift apart in units.
 */

export interface RunProgress {
  readonly phase: 'starting' | 'churn' | 'observe' | 'done';
  readonly groupsDone: number;
  readonly groups: number;
}

/** The options every target's run takes. */
export interface BaseRunOptions {
  /** Ctrl-C: stop issuing work, measure what was done, return a partial result. */
  readonly signal?: AbortSignal;
  readonly onProgress?: (p: RunProgress) => void;
}

export interface RunClock {
  readonly started: Date;
  readonly progress: (phase: RunProgress['phase'], groupsDone: number) => void;
  /** Seconds since the run started. */
  readonly wallSeconds: () => number;
}

/** Starts a run's clock and reports the 'starting' phase. */
export function startRun(cfg: Pick<ScenarioConfig, 'groups'>, onProgress: BaseRunOptions['onProgress']): RunClock {
  const started = new Date();
  const t0 = performance.now();
  const progress = (phase: RunProgress['phase'], groupsDone: number): void => onProgress?.({ phase, groupsDone, groups: cfg.groups });
  progress('starting', 0);
  return { started, progress, wallSeconds: () => (performance.now() - t0) / 1000 };
}

export function latencySummary(values: readonly number[]): LatencySummaryMs {
  return { n: values.length, p50: percentile(values, 0.5), p99: percentile(values, 0.99), max: values.length ? Math.max(...values) : 0 };
}

/** A churn's client-side counts, on any target. */
export interface ChurnTally {
  readonly creates: number;
  readonly createFailures: number;
  readonly deletes: number;
  readonly deleteFailures: number;
  readonly groupsCycled: number;
  readonly churnSeconds: number;
  /** With deletePhase 'after': the creation and deletion phases timed alone (0: not timed alone). */
  readonly createSeconds: number;
  readonly deleteSeconds: number;
}

/** Successful requests per second; a phase timed alone is divided by its own duration, else by the churn's. */
export function throughputOf(t: ChurnTally): ScenarioResult['throughput'] {
  const secs = Math.max(t.churnSeconds, 1e-9);
  return {
    createsPerSec: (t.creates - t.createFailures) / (t.createSeconds > 0 ? t.createSeconds : secs),
    deletesPerSec: (t.deletes - t.deleteFailures) / (t.deleteSeconds > 0 ? t.deleteSeconds : secs),
    groupsPerSec: t.groupsCycled / secs,
    churnSeconds: t.churnSeconds,
  };
}

type Head = Pick<ScenarioResult, 'strategy' | 'seed' | 'config' | 'machine' | 'startedAt' | 'wallSeconds' | 'partial' | 'harnessFailure'>;

/** The fields that say which run a result is (after schema, target and server). */
export function resultHead(cfg: ScenarioConfig, clock: RunClock, partial: boolean, harnessFailure: string | null): Head {
  return { strategy: cfg.strategy, seed: cfg.seed, config: cfg, machine: machineFacts(), startedAt: clock.started.toISOString(), wallSeconds: clock.wallSeconds(), partial, harnessFailure };
}

export function partialReason(harnessFailure: string | null): string {
  return `partial run (${harnessFailure ? 'harness failure' : 'interrupted'}): not conclusive`;
}

export const NO_FINAL_CENSUS = 'no final census: orphans at end unknown (reported as 0)';
