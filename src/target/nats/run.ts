import { readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { ATOMIC_STRATEGIES } from '../../create/index.js';
import { NATS_TICK_MS, NATS_TIMING } from '../../raft/config.js';
import type { ScenarioConfig } from '../../scenario/config.js';
import { RESULT_SCHEMA_ID, type Outcome, type ScenarioResult } from '../../scenario/result.js';
import { latencySummary, NO_FINAL_CENSUS, partialReason, resultHead, startRun, throughputOf, type BaseRunOptions, type RunClock } from '../../scenario/run-common.js';
import type { NatsBinary } from './binary.js';
import { settledCensus, dirsLeft, excessNodes, type ServerCensus } from './census.js';
import { ChurnLimitError, runNatsChurn, STREAM, type ChurnOutcome } from './churn.js';
import { NatsCluster } from './cluster.js';
import { classify, scanLogs, tally, type GroupVerdict, type LogScan } from './log-scan.js';
import { planNatsWorkload } from './plan.js';

/** A real cluster observes orphans in real seconds: bounded whatever --observe-nats-seconds asks. */
export const OBSERVE_SECONDS_MAX = 120;
/** Per-group lines of persistent / unmatched failures copied into the verdict's reasons. */
const REASON_GROUPS_MAX = 10;
/** What NATS's timing implies for an orphan: 2 failed tav.idx writes per campaign, one campaign per mean election timeout. */
const EXPECTED_ORPHAN_FAILURES_PER_SECOND = 2 / (((NATS_TIMING.electionTimeoutMinTicks + NATS_TIMING.electionTimeoutMaxTicks) / 2) * (NATS_TICK_MS / 1000));

export interface NatsRunOptions extends BaseRunOptions {
  /** Where the cluster's private temp dir goes (default: the OS temp dir). */
  readonly parentDir?: string;
  /** Called with the cluster once it is ready (tests read its pids and dir). */
  readonly onCluster?: (c: NatsCluster) => void;
  /** Called before the cluster stops with the servers' last-read logs (server → text) and the verdicts they gave. */
  readonly onLogs?: (logs: ReadonlyMap<string, string>, verdicts: readonly GroupVerdict[]) => void;
}

/**
 * The scenario on a real nats-server cluster of `cfg.servers` servers: start (ready or throw),
 * churn, a settled census, an observation window if orphans remain, a log scan; the cluster is
 * always stopped and its dir removed (success, error, abort). `cfg.strategy` must be the one the
 * version runs (see strategyOfVersion). Knobs of the model alone (workers, disk, time scale,
 * injected faults) do not apply and are ignored.
 */
export async function runNatsScenario(cfg: ScenarioConfig, binary: NatsBinary, opts: NatsRunOptions = {}): Promise<ScenarioResult> {
  const clock = startRun(cfg, opts.onProgress);
  const progress = clock.progress;
  let harnessFailure: string | null = null;
  let churn: ChurnOutcome | null = null;
  let census: { census: ServerCensus[]; settledMs: number; settled: boolean } | null = null;
  let scan: LogScan | null = null;
  let logs: ReadonlyMap<string, string> = new Map();
  let observed = { seconds: 0, failures: 0 };
  let cluster: NatsCluster;
  try {
    cluster = await NatsCluster.start(binary, cfg.servers, opts.parentDir, opts.signal);
  } catch (e) {
    // start() stopped what it started; report, as a partial result, why there was nothing to run.
    const harnessFailure = `nats target: cluster start: ${e instanceof Error ? e.message : String(e)}`;
    return resultOf(cfg, binary, clock, { churn, census, scan, observed, harnessFailure, partial: true });
  }
  try {
    opts.onCluster?.(cluster);
    try {
      churn = await runNatsChurn(cluster, cfg, planNatsWorkload(cfg), opts.signal, (n) => progress('churn', n));
      census = await settledCensus(cluster.servers);
      ({ scan, logs } = await readLogs(cluster));
      if (excessNodes(census.census) > 0 && cfg.observeNatsSeconds > 0 && !opts.signal?.aborted) {
        progress('observe', churn.groupsCycled);
        const from = Date.now();
        const seconds = Math.min(cfg.observeNatsSeconds, OBSERVE_SECONDS_MAX);
        await sleep(seconds * 1000, undefined, opts.signal ? { signal: opts.signal } : {}).catch(() => undefined);
        ({ scan, logs } = await readLogs(cluster));
        const to = Date.now();
        const persistent = new Set(classify(scan, requestedAtOf(scan, churn)).filter((v) => v.cls === 'persistent').map((v) => `${v.server}/${v.group}`));
        observed = { seconds: (to - from) / 1000, failures: scan.failures.filter((f) => f.atMs >= from && f.atMs <= to && persistent.has(`${f.server}/${f.group}`)).length };
      }
    } catch (e) {
      if (e instanceof ChurnLimitError) churn = e.outcome;
      harnessFailure = `nats target: ${e instanceof Error ? e.message : String(e)}`;
      if (scan === null) ({ scan, logs } = await readLogs(cluster).catch(() => ({ scan: null, logs })));
    }
    if (scan !== null) opts.onLogs?.(logs, classify(scan, requestedAtOf(scan, churn)));
  } finally {
    await cluster.stop();
  }
  progress('done', churn?.groupsCycled ?? 0);
  const partial = opts.signal?.aborted === true || harnessFailure !== null;
  return resultOf(cfg, binary, clock, { churn, census, scan, observed, harnessFailure, partial });
}

async function readLogs(c: NatsCluster): Promise<{ scan: LogScan; logs: ReadonlyMap<string, string> }> {
  const logs = new Map<string, string>();
  for (const s of c.servers) logs.set(s.name, await readFile(s.logFile, 'utf8').catch(() => ''));
  return { scan: scanLogs(logs), logs };
}

/** Group → when its consumer's deletion was requested, joined through the log's consumer→group lines. */
function requestedAtOf(scan: LogScan, ch: ChurnOutcome | null): Map<string, number> {
  const out = new Map<string, number>();
  if (ch === null) return out;
  for (const [consumer, ms] of ch.deleteRequestedAt) {
    const group = scan.groupOf.get(`${STREAM} > ${consumer}`);
    if (group !== undefined) out.set(group, ms);
  }
  return out;
}

interface Observed {
  readonly churn: ChurnOutcome | null;
  readonly census: { census: ServerCensus[]; settledMs: number; settled: boolean } | null;
  readonly scan: LogScan | null;
  readonly observed: { seconds: number; failures: number };
  readonly harnessFailure: string | null;
  readonly partial: boolean;
}

function resultOf(cfg: ScenarioConfig, binary: NatsBinary, clock: RunClock, o: Observed): ScenarioResult {
  const ch = o.churn;
  const verdicts: GroupVerdict[] = o.scan ? classify(o.scan, requestedAtOf(o.scan, ch)) : [];
  const t = o.scan ? tally(o.scan, verdicts) : { enoent: 0, other: 0, transient: 0, persistent: 0, unmatched: 0, persistentGroups: 0 };
  const orphansAtEnd = o.census ? excessNodes(o.census.census) : 0;
  const dirs = o.census ? dirsLeft(o.census.census) : 0;
  const creates = ch?.createLatenciesMs.length ?? 0;
  const deletes = ch?.deleteLatenciesMs.length ?? 0;
  const orphansObserved = o.observed.seconds > 0 ? t.persistentGroups : 0;

  const reasons: string[] = [];
  if (t.persistentGroups > 0) reasons.push(`${t.persistentGroups} Raft node(s) repeating tav.idx failures (the #5824 orphan)`);
  if (orphansAtEnd > 0) reasons.push(`${orphansAtEnd} Raft node(s) (goroutines in (*raft).run) beyond the assets the servers report, after every consumer was deleted`);
  if (dirs > 0) reasons.push(`${dirs} consumer store dir(s) left under $SYS/_js_ after every consumer was deleted`);
  const leaked = reasons.length > 0;
  const atomic = (ATOMIC_STRATEGIES as readonly string[]).includes(cfg.strategy);
  const outcome: Outcome = !leaked ? 'clean' : atomic ? 'forbidden' : 'leaked';
  if (outcome === 'forbidden') reasons.unshift(`FORBIDDEN: nats-server ${binary.version} runs the ${cfg.strategy} creation path, which must not leak (seed ${cfg.seed})`);
  reasons.push(`nats-server ${binary.version} (${binary.path}) runs the ${cfg.strategy} creation path`);
  if (ch) {
    const k = ch.contenders;
    reasons.push(`beside the churn: ${k.healthChecks} /healthz checks (${k.healthUnavailable} unavailable, ${k.healthErrors} errors), ${k.streamUpdates} stream updates (${k.streamUpdateErrors} failed), ${k.published} messages published (${k.publishErrors} refused)${k.healthSample ? `; first unavailable /healthz: ${k.healthSample}` : ''}`);
  }
  if (t.transient > 0) reasons.push(`${t.transient} transient tav.idx failure(s): one burst right after the group's own deletion (${(t.transient / Math.max(1, deletes)).toFixed(4)} per deletion)`);
  if (t.unmatched > 0) reasons.push(`${t.unmatched} tav.idx failure(s) neither repeating nor after their group's deletion (unmatched; counted in neither class)`);
  for (const v of verdicts.filter((x) => x.cls !== 'transient').slice(0, REASON_GROUPS_MAX)) {
    reasons.push(`${v.cls} ${v.server} ${v.group}: ${v.failures} failure(s) over ${((v.lastAtMs - v.firstAtMs) / 1000).toFixed(1)} s${v.afterDeleteMs === null ? '' : `, first ${(v.afterDeleteMs / 1000).toFixed(2)} s after its deletion`}`);
  }
  if (o.census && !o.census.settled) reasons.push(`final census not settled after ${(o.census.settledMs / 1000).toFixed(1)} s: ${o.census.census.map((s) => `${s.server} ${s.raftNodes}/${s.expectedNodes} nodes, ${s.consumerDirs.length} dirs`).join('; ')}`);
  if (!o.census) reasons.push(NO_FINAL_CENSUS);
  if (o.partial) reasons.push(partialReason(o.harnessFailure));
  for (const f of ch?.failureSamples ?? []) reasons.push(`sample failure: ${f}`);

  return {
    schema: RESULT_SCHEMA_ID,
    target: 'nats',
    server: { software: 'nats-server', version: binary.version },
    ...resultHead(cfg, clock, o.partial, o.harnessFailure),
    throughput: throughputOf({
      creates,
      createFailures: ch?.createFailures ?? 0,
      deletes,
      deleteFailures: ch?.deleteFailures ?? 0,
      groupsCycled: ch?.groupsCycled ?? 0,
      churnSeconds: ch?.churnSeconds ?? 0,
      createSeconds: ch?.createSeconds ?? 0,
      deleteSeconds: ch?.deleteSeconds ?? 0,
    }),
    latencyMs: { create: latencySummary(ch?.createLatenciesMs ?? []), delete: latencySummary(ch?.deleteLatenciesMs ?? []) },
    counts: {
      groupsCycled: ch?.groupsCycled ?? 0,
      createRequests: creates,
      createFailures: ch?.createFailures ?? 0,
      instancesBuilt: null,
      // A server does not report instances it built; a duplicate shows as an extra (*raft).run at the end.
      duplicates: orphansAtEnd,
      deletes,
      deleteFailures: ch?.deleteFailures ?? 0,
      raftSafetyViolations: null,
      leaderConflicts: null,
    },
    leaks: { orphansSeenDuringRun: t.persistentGroups, orphansAtEnd },
    tav: {
      writes: null,
      enoent: t.enoent,
      other: t.other,
      transient: t.transient,
      persistent: t.persistent,
      orphanFailuresPerNatsSecond: orphansObserved > 0 && o.observed.seconds > 0 ? o.observed.failures / orphansObserved / o.observed.seconds : null,
      expectedOrphanFailuresPerNatsSecond: EXPECTED_ORPHAN_FAILURES_PER_SECOND,
      orphansObserved,
      observedNatsSeconds: o.observed.seconds,
    },
    messages: null,
    locks: null,
    ticks: null,
    verdict: { outcome, reasons },
  };
}
