import { modelLabel, NATS_VERSIONS, type NatsVersion } from '../../src/cluster/nats-version.js';
import { buildConfig, type ScenarioConfig } from '../../src/scenario/config.js';
import type { ScenarioResult } from '../../src/scenario/result.js';
import { runScenario } from '../../src/scenario/run.js';
import { findNatsServer, runNatsScenario, type NatsBinary } from '../../src/target/index.js';
import { transientCauses, type TransientCauses } from '../../src/target/nats/transient-cause.js';
import { parseVersion, strategyOfVersion } from '../../src/target/nats/version.js';

/**
 * Calibration: the model and a real nats-server cluster under the same workload shape, side by
 * side. The model runs at real time (timeScaleMs 1000: a NATS second is a second), so everything
 * that depends on election timing sees the clock the real cluster sees.
 *
 * Model variant: the model runs the real server's own version profile (`--nats-version`, e.g.
 * 2.9.10: the async 16-byte tav.idx writer that logs a Closed node's failure) and the creation path
 * that version shipped (strategyOfVersion: 2.9.10 → racy), so both sides run the same code path.
 * A server version the model has no profile for runs the nearest modelled version below it (the
 * label says so). Two shapes of the model:
 * - `model, same knobs`: k callers per create as k concurrent createRaftGroup calls;
 * - `model, k=1`: one caller per create, which is what 2.9.10's single meta goroutine amounts to
 *   (it dedups the k API requests and calls createRaftGroup inline, one at a time). The version
 *   profile does not serialise callers itself, so this shape stays.
 *
 * Units: a real consumer create is one API request for the group on all R servers, while the
 * model counts one request per (server, group); both are normalised to groups (consumers) per
 * second here, so every ratio compares like with like.
 */
/**
 * Two delete phases: 'after' (every consumer created, then every one deleted: each phase timed
 * alone, as in the reference measurement of a real cluster, and every group settled before its
 * deletion) and 'interleaved' (each consumer deleted ≤ groupLifetimeMs after its creation).
 */
export type CalibrationPhase = 'after' | 'interleaved';

export const CALIBRATION_SHAPE = {
  servers: 3,
  replicas: 3,
  concurrency: 16,
  callersPerCreate: 2,
  callerSpreadMs: 2,
  groupLifetimeMs: 20,
  entriesPerSecondPerGroup: 10,
  timeScaleMs: 1000,
  observeNatsSeconds: 0,
} as const;

/** A ratio beyond this either way is flagged. */
export const GAP_FLAG = 2;

export type Side = 'real' | 'model' | 'modelK1';
export const SIDES: readonly Side[] = ['real', 'model', 'modelK1'];

/** The compared figures of one run, in units both targets share. */
export interface CalibrationFigures {
  readonly consumerCreatesPerSec: number;
  readonly consumerDeletesPerSec: number;
  readonly createLatencyMsP50: number;
  readonly transientPerDeletion: number;
  readonly persistentOrphans: number;
  readonly transient: number;
  readonly deletions: number;
}

export const METRICS: readonly { key: keyof CalibrationFigures; label: string; digits: number }[] = [
  { key: 'consumerCreatesPerSec', label: 'consumer creates/s', digits: 1 },
  { key: 'consumerDeletesPerSec', label: 'consumer deletes/s', digits: 1 },
  { key: 'createLatencyMsP50', label: 'create latency p50 (ms)', digits: 1 },
  { key: 'transientPerDeletion', label: 'transient tav.idx failures per deletion', digits: 4 },
  { key: 'persistentOrphans', label: 'persistent orphans at end', digits: 0 },
];

/** Normalises a result of either target to the shared units. */
export function figuresOf(r: ScenarioResult): CalibrationFigures {
  const c = r.config;
  const real = r.target === 'nats';
  // Requests per group: real = k API calls; model = k calls on each of R servers. Deletes: real 1 per group, model R.
  const createsPerGroup = real ? c.callersPerCreate : c.callersPerCreate * c.replicas;
  const deletesPerGroup = real ? 1 : c.replicas;
  const deletions = r.counts.deletes / deletesPerGroup;
  return {
    consumerCreatesPerSec: r.throughput.createsPerSec / createsPerGroup,
    consumerDeletesPerSec: r.throughput.deletesPerSec / deletesPerGroup,
    createLatencyMsP50: r.latencyMs.create.p50,
    transientPerDeletion: deletions > 0 ? r.tav.transient / deletions : 0,
    persistentOrphans: r.leaks.orphansAtEnd,
    transient: r.tav.transient,
    deletions,
  };
}

export interface CalibrationRun {
  readonly side: Side;
  readonly repeat: number;
  readonly seed: number;
  readonly figures: CalibrationFigures;
  readonly outcome: string;
  readonly harnessFailure: string | null;
  readonly wallSeconds: number;
  /** Real side only (reports from s4 on): leader transfers in the servers' logs and how many transient groups followed one. */
  readonly causes?: TransientCauses;
}

export interface CalibrationResult {
  readonly available: true;
  readonly server: { readonly path: string; readonly version: string };
  /** The model's `--nats-version` profile (absent in reports written before it was chosen per server). */
  readonly modelVersion?: NatsVersion;
  readonly modelLabel: string;
  readonly shape: Omit<typeof CALIBRATION_SHAPE, 'groupLifetimeMs'> & { readonly groupLifetimeMs: number; readonly groups: number; readonly deletePhase: CalibrationPhase };
  readonly runs: readonly CalibrationRun[];
}

export type Calibration = CalibrationResult | { readonly available: false; readonly reason: string };

export interface CalibrationOptions {
  readonly groups: number;
  readonly deletePhase: CalibrationPhase;
  /**
   * With 'interleaved': each group lives uniform [0, this] ms between its create's answer and its
   * delete, on both sides alike (default CALIBRATION_SHAPE.groupLifetimeMs). A long lifetime lets
   * the model's first election finish before the delete, as 2.9.10's create answer does (see
   * reports/nats-calibration-2026-12-01-s4.md).
   */
  readonly groupLifetimeMs?: number;
  readonly repeats: number;
  readonly seed: number;
  readonly workers: number;
  readonly signal?: AbortSignal;
  readonly onRun?: (r: CalibrationRun) => void;
  /** Defaults to nats-server on PATH (then /usr/sbin). */
  readonly binary?: NatsBinary;
  /** Which sides to run (default all); the real side is always run. */
  readonly sides?: readonly Side[];
}

/** Runs real, model and model k=1, interleaved, `repeats` times; skipped (with the reason) without a binary. */
export async function runCalibration(o: CalibrationOptions): Promise<Calibration> {
  let binary: NatsBinary;
  try {
    binary = o.binary ?? (await findNatsServer());
  } catch (e) {
    return { available: false, reason: e instanceof Error ? e.message : String(e) };
  }
  const model = modelProfileFor(binary.version);
  const runs: CalibrationRun[] = [];
  for (let repeat = 0; repeat < o.repeats && !o.signal?.aborted; repeat++) {
    const seed = o.seed + repeat;
    for (const side of SIDES) {
      if (o.signal?.aborted) break;
      if (o.sides && side !== 'real' && !o.sides.includes(side)) continue;
      const cfg = sideConfig(side, model, { groups: o.groups, deletePhase: o.deletePhase, seed, workers: o.workers, ...(o.groupLifetimeMs === undefined ? {} : { groupLifetimeMs: o.groupLifetimeMs }) });
      const opt = o.signal ? { signal: o.signal } : {};
      let causes: TransientCauses | undefined;
      const onLogs = (logs: ReadonlyMap<string, string>, verdicts: Parameters<typeof transientCauses>[1]): void => {
        causes = transientCauses(logs, verdicts);
      };
      const r = side === 'real' ? await runNatsScenario(cfg, binary, { ...opt, onLogs }) : await runScenario(cfg, opt);
      // A run cut short by the abort measured part of a phase: its rates would drag the medians.
      if (o.signal?.aborted) break;
      const run: CalibrationRun = { side, repeat, seed, figures: figuresOf(r), outcome: r.verdict.outcome, harnessFailure: r.harnessFailure, wallSeconds: r.wallSeconds, ...(causes ? { causes } : {}) };
      runs.push(run);
      o.onRun?.(run);
    }
  }
  return {
    available: true,
    server: { path: binary.path, version: binary.version },
    modelVersion: model.version,
    modelLabel: model.label,
    shape: { ...CALIBRATION_SHAPE, groupLifetimeMs: o.groupLifetimeMs ?? CALIBRATION_SHAPE.groupLifetimeMs, groups: o.groups, deletePhase: o.deletePhase },
    runs,
  };
}

/** The model's version profile and creation path for a real server of `serverVersion`. */
export interface ModelProfile {
  readonly version: NatsVersion;
  readonly strategy: NonNullable<ReturnType<typeof strategyOfVersion>>;
  readonly label: string;
}

/**
 * The server's own version when the model has its profile; else the nearest modelled version below
 * it (else the oldest), labelled as such. The strategy is always the server's (its creation path).
 */
export function modelProfileFor(serverVersion: string): ModelProfile {
  const strategy = strategyOfVersion(serverVersion) ?? 'racy';
  const v = parseVersion(serverVersion);
  const key = (x: readonly number[]): number => (x[0]! * 1000 + x[1]!) * 1000 + x[2]!;
  const below = v === null ? [] : NATS_VERSIONS.filter((m) => key(parseVersion(m)!) <= key(v));
  const version = below.at(-1) ?? NATS_VERSIONS[0];
  const exact = v !== null && key(parseVersion(version)!) === key(v);
  const label = `${modelLabel(strategy, version)}, \`--nats-version ${version}\` (${exact ? 'the real server\'s version' : `nearest modelled version to the real server's ${serverVersion}`})`;
  return { version, strategy, label };
}

/** One side's config: the shared shape; the model sides with the server's version profile and creation path. */
export function sideConfig(side: Side, model: ModelProfile, o: { groups: number; deletePhase: CalibrationPhase; seed: number; workers: number; groupLifetimeMs?: number }): ScenarioConfig {
  return buildConfig({
    ...CALIBRATION_SHAPE,
    groupLifetimeMs: o.groupLifetimeMs ?? CALIBRATION_SHAPE.groupLifetimeMs,
    deletePhase: o.deletePhase,
    ...(side === 'modelK1' ? { callersPerCreate: 1 } : {}),
    target: side === 'real' ? 'nats' : 'workers',
    strategy: model.strategy,
    natsVersion: model.version,
    groups: o.groups,
    seed: o.seed,
    workers: o.workers,
  });
}

/** The bench phase: sizes by mode, progress lines, and the JSON and Markdown it adds to the report. */
export interface PhaseSizes {
  readonly sides?: readonly Side[];
  readonly groupLifetimeMs?: number;
  readonly groups: number;
  readonly repeats: number;
  readonly deletePhase: CalibrationPhase;
}

export const BENCH_SIZES: Readonly<Record<'smoke' | 'full', PhaseSizes>> = {
  smoke: { groups: 60, repeats: 1, deletePhase: 'after' },
  full: { groups: 200, repeats: 2, deletePhase: 'after' },
};

export async function calibrationPhase(sizes: PhaseSizes, workers: number, seed: number, signal: AbortSignal, log: (line: string) => void): Promise<{ json: Calibration; md: string }> {
  const { groups, repeats, deletePhase } = sizes;
  log(`calibration: real nats-server vs model, ${groups} groups, deletes ${deletePhase}, ${repeats} repeat(s)…`);
  const json = await runCalibration({
    groups, repeats, deletePhase, seed, workers, signal, ...(sizes.sides ? { sides: sizes.sides } : {}), ...(sizes.groupLifetimeMs === undefined ? {} : { groupLifetimeMs: sizes.groupLifetimeMs }),
    onRun: (r) => log(`  ${r.side.padEnd(7)} repeat ${r.repeat}: ${r.figures.consumerCreatesPerSec.toFixed(1)} creates/s, ${r.figures.consumerDeletesPerSec.toFixed(1)} deletes/s, ${r.figures.transient} transient in ${r.figures.deletions} deletions${r.causes ? ` (${r.causes.afterTransferCampaign} of ${r.causes.transientGroups} transient groups after a leader-transfer campaign; ${r.causes.transferCampaigns} transfer campaigns)` : ''} — ${r.outcome}`),
  });
  if (!json.available) log(`  skipped: ${json.reason}`);
  const { renderCalibration } = await import('./calibration-render.js');
  return { json, md: renderCalibration(json) };
}
