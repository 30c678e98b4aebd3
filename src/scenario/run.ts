import { setMaxListeners } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { Cluster, isOrphan } from '../cluster/cluster.js';
import { ATOMIC_STRATEGIES } from '../create/index.js';
import { DEFAULT_VERSION } from '../cluster/nats-version.js';
import { HarnessFailure } from '../cluster/host-pool.js';
import { MESSAGES_PER_SECOND_MAX_DEFAULT, type CensusEntry, type CreateResult, type DeleteResult, type HostConfig, type HostStats } from '../cluster/protocol.js';
import { EXPECTED_ORPHAN_FAILURES_PER_NATS_SECOND, observeOrphans } from './observe.js';
import { NATS_TIMING } from '../raft/config.js';
import { createRunStore } from '../storage/run-store.js';
import type { ScenarioConfig } from './config.js';
import { machineFacts } from './machine.js';
import { planWorkload, type PlannedGroup } from './plan.js';
import { RESULT_SCHEMA_ID, type LatencySummaryMs, type Outcome, type ScenarioResult } from './result.js';
import { percentile } from './stats.js';

export interface RunProgress {
  readonly phase: 'starting' | 'churn' | 'observe' | 'done';
  readonly groupsDone: number;
  readonly groups: number;
}

export interface RunOptions {
  /** Ctrl-C: stop issuing work, measure what was done, return a partial result. */
  readonly signal?: AbortSignal;
  readonly onProgress?: (p: RunProgress) => void;
  /** Raft log file prefix (one file per worker), or '' for none. */
  readonly logPath?: string;
  /** Census period during the churn, ms. */
  readonly censusEveryMs?: number;
  /** Where the run's temp store goes (default: the OS temp dir). */
  readonly storeParentDir?: string;
  /** Test hook: crash worker 0 once this many groups have cycled (the harness must report it, not hang). */
  readonly crashWorkerAfterGroups?: number;
}

export function hostConfigOf(cfg: ScenarioConfig, storeRoot: string, logPath: string): HostConfig {
  return {
    seed: cfg.seed,
    servers: cfg.servers,
    replicas: cfg.replicas,
    workers: cfg.workers,
    groupsMax: cfg.groups,
    timeScaleMs: cfg.timeScaleMs,
    timing: NATS_TIMING,
    disk: cfg.disk,
    storeRoot,
    diskFaults: {
      ...(cfg.diskLatencyMaxMs > 0 ? { latencyMs: { kind: 'uniform', minMs: cfg.diskLatencyMinMs, maxMs: cfg.diskLatencyMaxMs } } : {}),
      ...(cfg.diskEioRate > 0 ? { faults: { EIO: cfg.diskEioRate } } : {}),
    },
    entriesPerSecondPerGroup: cfg.entriesPerSecondPerGroup,
    cpuBusyShare: cfg.cpuBusyShare,
    logPath,
    waitTimeoutMs: cfg.waitTimeoutMs,
    messagesPerSecondMax: MESSAGES_PER_SECOND_MAX_DEFAULT,
    natsVersion: cfg.natsVersion === 'default' ? DEFAULT_VERSION[cfg.strategy] : cfg.natsVersion,
  };
}

/**
 * Runs one churn scenario end to end on real worker threads and returns its result. Threads and
 * the run's temp store are always released, on success, on error and on abort. A harness failure
 * (a worker died) ends the run early with a partial result that names it; it never hangs.
 */
export async function runScenario(cfg: ScenarioConfig, opts: RunOptions = {}): Promise<ScenarioResult> {
  const started = new Date();
  const t0 = performance.now();
  // Every in-flight caller delay and group lifetime listens on the signal: many listeners is the design.
  if (opts.signal) setMaxListeners(0, opts.signal);
  const store = await createRunStore(opts.storeParentDir !== undefined ? { parentDir: opts.storeParentDir } : {});
  const progress = (phase: RunProgress['phase'], groupsDone: number): void => opts.onProgress?.({ phase, groupsDone, groups: cfg.groups });
  progress('starting', 0);
  let cluster: Cluster | null = null;
  const m = new Measurements();
  let harnessFailure: string | null = null;
  // piscina does not hold the main event loop open while tasks run in its workers: hold it here.
  const keepAlive = setInterval(() => undefined, 1 << 30);
  try {
    cluster = await Cluster.start(hostConfigOf(cfg, store.root, opts.logPath ?? ''), cfg.strategy);
    const c = cluster;
    const churnStart = performance.now();
    try {
      await churn(c, cfg, planWorkload(cfg), m, opts, (n) => progress('churn', n));
    } finally {
      m.churnSeconds = (performance.now() - churnStart) / 1000;
    }
    const end = await c.guard(c.census());
    m.censusDone = true;
    m.orphansAtEnd = end.filter(isOrphan).length;
    if (m.orphansAtEnd > 0 && cfg.observeNatsSeconds > 0 && !opts.signal?.aborted) {
      progress('observe', m.groupsCycled);
      try {
        const o = await observeOrphans(c, cfg.timeScaleMs, cfg.observeNatsSeconds, opts.signal);
        m.orphansObserved = o.orphansObserved;
        m.observedNatsSeconds = o.natsSeconds;
        m.orphanRate = o.failuresPerNatsSecond;
      } catch (e) {
        if (!isAbort(e)) throw e; // interrupted while watching: the counters below are still worth having
      }
    }
    m.stats = await c.guard(c.stats());
  } catch (e) {
    if (!(e instanceof HarnessFailure)) throw e;
    harnessFailure = e.message;
  } finally {
    clearInterval(keepAlive);
    try {
      await cluster?.close();
    } finally {
      await store.cleanup();
    }
  }
  progress('done', m.groupsCycled);
  return m.result(cfg, started, (performance.now() - t0) / 1000, harnessFailure, opts.signal?.aborted === true || harnessFailure !== null);
}

/**
 * The create→live→delete cycle of every group, `concurrency` groups at a time, in plan order; or,
 * with deletePhase 'after', every creation first and then every deletion, each phase timed alone.
 */
async function churn(c: Cluster, cfg: ScenarioConfig, plan: readonly PlannedGroup[], m: Measurements, opts: RunOptions, onGroup: (n: number) => void): Promise<void> {
  const censusEveryMs = opts.censusEveryMs ?? 250;
  let stopCensus = false;
  const census = (async () => {
    while (!stopCensus) {
      m.noteCensus(await c.guard(c.census()));
      await sleep(censusEveryMs, undefined, { ref: false });
    }
  })();
  const callers = (p: PlannedGroup, calls: readonly PlannedGroup['calls'][number][], epoch: string): Promise<void> =>
    Promise.all(
      calls.map(async (call) => {
        if (call.delayMs > 0 && !(await pause(call.delayMs, opts.signal))) return;
        m.noteCreate(call.server, p.group, await c.guard(c.create({ server: call.server, group: p.group, worker: call.worker })), epoch);
      }),
    ).then(() => undefined);
  const createGroup = async (p: PlannedGroup): Promise<void> => {
    if (cfg.workload === 'synthetic') return callers(p, p.calls, '');
    // NATS's real callers: the meta apply loop creates each replica once, inline (jetstream_cluster.go
    // processClusterCreateConsumer → createRaftGroup); then a stream reset stops one replica's node and
    // the health check's restartConsumer and the reset goroutine both re-create it (restart-workload).
    const servers = [...new Set(p.calls.map((x) => x.server))];
    for (const s of servers) {
      const first = p.calls.find((x) => x.server === s)!;
      await callers(p, [{ ...first, delayMs: 0 }], '');
    }
    const target = servers[0]!;
    if (!(await c.guard(c.stopAssigned(target, p.group)))) return;
    await callers(p, p.calls.filter((x) => x.server === target), 'restart');
  };
  const deleteGroup = async (p: PlannedGroup): Promise<void> => {
    const del = await c.guard(c.deleteGroup(p.group));
    for (const r of del.results) m.noteDelete(r);
    m.groupsCycled++;
    onGroup(m.groupsCycled);
    if (m.groupsCycled === opts.crashWorkerAfterGroups) await c.pool.injectCrash(0, `after ${m.groupsCycled} groups`).catch(() => undefined);
  };
  const inParallel = async (items: readonly PlannedGroup[], work: (p: PlannedGroup) => Promise<void>): Promise<void> => {
    let next = 0;
    const runner = async (): Promise<void> => {
      while (next < items.length && !opts.signal?.aborted) await work(items[next++]!);
    };
    await Promise.all(Array.from({ length: Math.min(cfg.concurrency, items.length) }, runner));
  };
  try {
    if (cfg.deletePhase === 'after') {
      const t0 = performance.now();
      const created: PlannedGroup[] = [];
      await inParallel(plan, async (p) => {
        await createGroup(p);
        created.push(p);
      });
      m.createSeconds = (performance.now() - t0) / 1000;
      const t1 = performance.now();
      await inParallel(created, deleteGroup);
      m.deleteSeconds = (performance.now() - t1) / 1000;
    } else {
      await inParallel(plan, async (p) => {
        await createGroup(p);
        // An interrupted lifetime still deletes its group: a partial run leaves no group behind.
        if (p.lifetimeMs > 0) await pause(p.lifetimeMs, opts.signal);
        await deleteGroup(p);
      });
    }
  } finally {
    stopCensus = true;
    await census.catch(() => undefined);
  }
}

/** Sleeps `ms`, or less if `signal` aborts; true if it slept the whole time. */
async function pause(ms: number, signal: AbortSignal | undefined): Promise<boolean> {
  try {
    await sleep(ms, undefined, signal ? { signal } : {});
    return true;
  } catch (e) {
    if (isAbort(e)) return false;
    throw e;
  }
}

function isAbort(e: unknown): boolean {
  return e instanceof Error && e.name === 'AbortError';
}

function latency(values: readonly number[]): LatencySummaryMs {
  return { n: values.length, p50: percentile(values, 0.5), p99: percentile(values, 0.99), max: values.length ? Math.max(...values) : 0 };
}

/** Everything the run observes, folded into a ScenarioResult at the end. */
class Measurements {
  groupsCycled = 0;
  churnSeconds = 0;
  /** Set with deletePhase 'after': the creation and deletion phases timed alone. */
  createSeconds = 0;
  deleteSeconds = 0;
  orphansAtEnd = 0;
  /** False if the run ended before the final census (a harness failure): orphansAtEnd is then unknown. */
  censusDone = false;
  orphansObserved = 0;
  observedNatsSeconds = 0;
  orphanRate: number | null = null;
  stats: HostStats[] = [];
  private readonly createLatencies: number[] = [];
  private readonly deleteLatencies: number[] = [];
  private createFailures = 0;
  private deleteFailures = 0;
  /** Instances built per (server, group). */
  private readonly builtPer = new Map<string, number>();
  private readonly orphansSeen = new Set<number>();
  private readonly failureSamples: string[] = [];

  /** `epoch` separates a restart's re-creation (one legitimate new instance) from the first creation. */
  noteCreate(server: number, group: number, r: CreateResult, epoch = ''): void {
    this.createLatencies.push(r.latencyMs);
    if (!r.ok) {
      this.createFailures++;
      if (this.failureSamples.length < 5) this.failureSamples.push(`create: ${r.code} ${r.error}`);
      return;
    }
    if (r.built) {
      const k = `${server}/${group}${epoch}`;
      this.builtPer.set(k, (this.builtPer.get(k) ?? 0) + 1);
    }
  }

  noteDelete(r: DeleteResult): void {
    this.deleteLatencies.push(r.latencyMs);
    if (!r.ok) {
      this.deleteFailures++;
      if (this.failureSamples.length < 5) this.failureSamples.push(`delete: ${r.error}`);
    }
  }

  noteCensus(c: readonly CensusEntry[]): void {
    for (const e of c) if (isOrphan(e)) this.orphansSeen.add(e.instanceId);
  }

  result(cfg: ScenarioConfig, started: Date, wallSeconds: number, harnessFailure: string | null, partial: boolean): ScenarioResult {
    const sum = (f: (s: HostStats) => number): number => this.stats.reduce((n, s) => n + f(s), 0);
    let built = 0;
    for (const n of this.builtPer.values()) built += n;
    const duplicates = built - this.builtPer.size; // beyond one instance per (server, group)
    const secs = Math.max(this.churnSeconds, 1e-9);
    const createSecs = this.createSeconds > 0 ? this.createSeconds : secs;
    const deleteSecs = this.deleteSeconds > 0 ? this.deleteSeconds : secs;
    const verdict = judge(cfg, duplicates, this.orphansSeen.size, this.orphansAtEnd, sum((s) => s.raftSafetyViolations));
    if (partial) verdict.reasons.push(`partial run (${harnessFailure ? 'harness failure' : 'interrupted'}): not conclusive`);
    if (!this.censusDone) verdict.reasons.push('no final census: orphans at end unknown (reported as 0)');
    if (this.stats.length === 0) verdict.reasons.push('no host statistics collected: tav.idx, message, lock and tick counters are unknown (reported as 0)');
    for (const s of this.stats) verdict.reasons.push(...s.safetySamples.map((x) => `raft safety: ${x}`));
    if (this.failureSamples.length > 0) verdict.reasons.push(...this.failureSamples.map((f) => `sample failure: ${f}`));
    return {
      schema: RESULT_SCHEMA_ID,
      target: 'worker_threads',
      strategy: cfg.strategy,
      seed: cfg.seed,
      config: cfg,
      machine: machineFacts(),
      startedAt: started.toISOString(),
      wallSeconds,
      partial,
      harnessFailure,
      throughput: {
        createsPerSec: (this.createLatencies.length - this.createFailures) / createSecs,
        deletesPerSec: (this.deleteLatencies.length - this.deleteFailures) / deleteSecs,
        groupsPerSec: this.groupsCycled / secs,
        churnSeconds: this.churnSeconds,
      },
      latencyMs: { create: latency(this.createLatencies), delete: latency(this.deleteLatencies) },
      counts: {
        groupsCycled: this.groupsCycled,
        createRequests: this.createLatencies.length,
        createFailures: this.createFailures,
        instancesBuilt: built,
        duplicates,
        deletes: this.deleteLatencies.length,
        deleteFailures: this.deleteFailures,
        raftSafetyViolations: sum((s) => s.raftSafetyViolations),
        leaderConflicts: sum((s) => s.leaderConflicts),
      },
      leaks: { orphansSeenDuringRun: this.orphansSeen.size, orphansAtEnd: this.orphansAtEnd },
      tav: {
        writes: sum((s) => s.tavWrites),
        enoent: sum((s) => s.tav.enoent),
        other: sum((s) => s.tav.other),
        transient: sum((s) => s.tav.transient),
        persistent: sum((s) => s.tav.persistent),
        orphanFailuresPerNatsSecond: this.orphanRate,
        expectedOrphanFailuresPerNatsSecond: EXPECTED_ORPHAN_FAILURES_PER_NATS_SECOND,
        orphansObserved: this.orphansObserved,
        observedNatsSeconds: this.observedNatsSeconds,
      },
      messages: { sent: sum((s) => s.messagesSent), delivered: sum((s) => s.messagesDelivered), dropped: sum((s) => s.messagesDropped), shed: sum((s) => s.messagesShed) },
      locks: {
        acquisitions: sum((s) => s.locks.reduce((n, l) => n + l.acquisitions, 0)),
        contended: sum((s) => s.locks.reduce((n, l) => n + l.contended, 0)),
        waitMs: sum((s) => s.locks.reduce((n, l) => n + l.waitMs, 0)),
        reservationWaits: sum((s) => s.reservationWaits),
      },
      ticks: { total: sum((s) => s.ticks), late: sum((s) => s.lateTicks), maxMs: Math.max(0, ...this.stats.map((s) => s.tickMsMax)) },
      verdict,
    };
  }
}

function judge(cfg: ScenarioConfig, duplicates: number, orphansSeen: number, orphansAtEnd: number, safety: number): { outcome: Outcome; reasons: string[] } {
  const reasons: string[] = [];
  if (safety > 0) reasons.push(`${safety} instance(s) broke a Raft invariant (split brain, diverging logs)`);
  if (duplicates > 0) reasons.push(`${duplicates} duplicate instance(s) built`);
  if (orphansSeen > 0) reasons.push(`${orphansSeen} instance(s) seen unreferenced during the run`);
  if (orphansAtEnd > 0) reasons.push(`${orphansAtEnd} instance(s) still running after every group was deleted`);
  if (reasons.length === 0) return { outcome: 'clean', reasons };
  const atomic = (ATOMIC_STRATEGIES as readonly string[]).includes(cfg.strategy);
  if (atomic) reasons.unshift(`FORBIDDEN under ${cfg.strategy} (seed ${cfg.seed}; replay with --strategy ${cfg.strategy} --seed ${cfg.seed})`);
  return { outcome: atomic ? 'forbidden' : 'leaked', reasons };
}
