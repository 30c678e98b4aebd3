import { Cluster, isOrphan } from '../cluster/cluster.js';
import { DEFAULT_VERSION, VERSION_PROFILES } from '../cluster/nats-version.js';
import { HarnessFailure } from '../cluster/host-pool.js';
import { MESSAGES_PER_SECOND_MAX_DEFAULT, type HostConfig } from '../cluster/protocol.js';
import { NATS_TIMING } from '../raft/config.js';
import { createRunStore } from '../storage/run-store.js';
import { AbortableSleeps, afterAbort, withDeadline } from './abortable-sleeps.js';
import type { ScenarioConfig } from './config.js';
import { Measurements } from './measurements.js';
import { observeOrphans } from './observe.js';
import { CallLimiter } from './call-limiter.js';
import { planGroups, type PlannedGroup } from './plan.js';
import type { ScenarioResult } from './result.js';
import { startRun, type BaseRunOptions } from './run-common.js';

export type { RunProgress } from './run-common.js';

/**
 * The bound on the first Ctrl-C. After the abort, creations and deletions already in flight get
 * INTERRUPT_GRACE_MS to finish; whatever is still running then (a 10 s disk write, a creator
 * queued behind a held lock) is abandoned. Every later step that talks to the workers (the final
 * census, the statistics, the workers' graceful shutdown) gets STEP_AFTER_INTERRUPT_MS, after which
 * it is skipped (the result says what is unknown) and the workers are terminated with their
 * in-flight disk operations. So the partial result is ready at most
 * INTERRUPT_GRACE_MS + 3 × STEP_AFTER_INTERRUPT_MS (8 s) after the interrupt, plus the removal of
 * the run's temp store.
 */
export const INTERRUPT_GRACE_MS = 2000;
export const STEP_AFTER_INTERRUPT_MS = 2000;
/** Creation requests the main thread keeps in flight per worker (a worker runs up to 256 tasks at once). */
export const CALLS_IN_FLIGHT_PER_WORKER = 128;

export interface RunOptions extends BaseRunOptions {
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
 * (a worker died) ends the run early with a partial result that names it; it never hangs. An abort
 * returns a partial result within the bound stated at INTERRUPT_GRACE_MS.
 */
export async function runScenario(cfg: ScenarioConfig, opts: RunOptions = {}): Promise<ScenarioResult> {
  const clock = startRun(cfg, opts.onProgress);
  const progress = clock.progress;
  const signal = opts.signal;
  const store = await createRunStore(opts.storeParentDir !== undefined ? { parentDir: opts.storeParentDir } : {});
  let cluster: Cluster | null = null;
  const m = new Measurements();
  let harnessFailure: string | null = null;
  // Once interrupted, a step that talks to the workers may take at most STEP_AFTER_INTERRUPT_MS.
  const step = async <T>(p: Promise<T>): Promise<T | 'late'> => (signal?.aborted ? withDeadline(p, STEP_AFTER_INTERRUPT_MS, 'late' as const) : p);
  // piscina does not hold the main event loop open while tasks run in its workers: hold it here.
  const keepAlive = setInterval(() => undefined, 1 << 30);
  try {
    cluster = await Cluster.start(hostConfigOf(cfg, store.root, opts.logPath ?? ''), cfg.strategy);
    const c = cluster;
    const churnStart = performance.now();
    progress('churn', 0);
    try {
      await churn(c, cfg, planGroups(cfg), m, opts, (n) => progress('churn', n));
    } finally {
      m.churnSeconds = (performance.now() - churnStart) / 1000;
    }
    const end = await step(c.guard(c.census()));
    if (end !== 'late') {
      m.censusDone = true;
      m.orphansAtEnd = end.filter(isOrphan).length;
    }
    if (m.orphansAtEnd > 0 && cfg.observeNatsSeconds > 0 && !signal?.aborted) {
      progress('observe', m.groupsCycled);
      // Interrupted while watching: observeOrphans still returns what the window saw so far.
      const o = await observeOrphans(c, cfg.timeScaleMs, cfg.observeNatsSeconds, signal);
      m.orphansObserved = o.orphansObserved;
      m.observedNatsSeconds = o.natsSeconds;
      m.orphanRate = o.failuresPerNatsSecond;
    }
    const stats = await step(c.guard(c.stats()));
    if (stats !== 'late') m.stats = stats;
    if (m.waitTimeouts > 0) {
      harnessFailure = `${m.waitTimeouts} creation request(s) timed out waiting on a lock or reservation (RT_WAIT_TIMEOUT, --wait-timeout-ms ${cfg.waitTimeoutMs})`;
    }
  } catch (e) {
    if (!(e instanceof HarnessFailure)) throw e;
    harnessFailure = e.message;
  } finally {
    clearInterval(keepAlive);
    try {
      // Interrupted: the workers get STEP_AFTER_INTERRUPT_MS to shut down, then are terminated.
      await cluster?.close(signal?.aborted ? STEP_AFTER_INTERRUPT_MS : undefined);
    } finally {
      await store.cleanup();
    }
  }
  progress('done', m.groupsCycled);
  return m.result(cfg, clock, harnessFailure, signal?.aborted === true || harnessFailure !== null);
}

/**
 * The create→live→delete cycle of every group, `concurrency` groups at a time, in plan order; or,
 * with deletePhase 'after', every creation first and then every deletion, each phase timed alone.
 * After an abort, work in flight gets INTERRUPT_GRACE_MS, then is abandoned (not awaited).
 */
async function churn(c: Cluster, cfg: ScenarioConfig, plan: Iterator<PlannedGroup>, m: Measurements, opts: RunOptions, onGroup: (n: number) => void): Promise<void> {
  const signal = opts.signal;
  const censusEveryMs = opts.censusEveryMs ?? 250;
  // One abort listener for every caller delay and group lifetime (see AbortableSleeps for why).
  const sleeps = new AbortableSleeps(signal);
  const censusSleeps = new AbortableSleeps();
  let stopCensus = false;
  const census = (async () => {
    while (!stopCensus) {
      m.noteCensus(await c.guard(c.census()));
      await censusSleeps.sleep(censusEveryMs);
    }
  })();
  const limiter = new CallLimiter(cfg.workers, CALLS_IN_FLIGHT_PER_WORKER);
  const callers = (p: PlannedGroup, calls: readonly PlannedGroup['calls'][number][], epoch: string): Promise<void> =>
    Promise.all(
      calls.map(async (call) => {
        if (call.delayMs > 0 && !(await sleeps.sleep(call.delayMs))) return;
        await limiter.run(call.worker, async () => {
          if (signal?.aborted) return; // interrupted while queued here: never issued
          m.noteCreate(call.server, p.group, await c.guard(c.create({ server: call.server, group: p.group, worker: call.worker })), epoch);
        });
      }),
    ).then(() => undefined);
  const version = cfg.natsVersion === 'default' ? DEFAULT_VERSION[cfg.strategy] : cfg.natsVersion;
  // 2.9.10 answers a create from the group's first leader (VersionProfile.createAnswersFromLeader):
  // the group's life, and its delete, start after the first election. Bounded: 30 NATS seconds,
  // three times the longest election timeout; a group that elected nobody by then is deleted anyway.
  const answered = VERSION_PROFILES[version].createAnswersFromLeader
    ? async (p: PlannedGroup): Promise<void> => {
        if (!signal?.aborted) await c.guard(c.awaitFirstLeader(p.group, 30 * cfg.timeScaleMs));
      }
    : (): Promise<void> => Promise.resolve();
  const createGroup = async (p: PlannedGroup): Promise<void> => {
    if (cfg.workload === 'synthetic') {
      await callers(p, p.calls, '');
      return answered(p);
    }
    // NATS's real callers: the meta apply loop creates each replica once, inline (jetstream_cluster.go
    // processClusterCreateConsumer → createRaftGroup); then a stream reset stops one replica's node and
    // the health check's restartConsumer and the reset goroutine both re-create it (restart-workload).
    const servers = [...new Set(p.calls.map((x) => x.server))];
    for (const s of servers) {
      const first = p.calls.find((x) => x.server === s)!;
      await callers(p, [{ ...first, delayMs: 0 }], '');
    }
    await answered(p);
    const target = servers[0]!;
    if (signal?.aborted || !(await c.guard(c.stopAssigned(target, p.group)))) return;
    await callers(p, p.calls.filter((x) => x.server === target), 'restart');
  };
  const deleteGroup = async (p: PlannedGroup): Promise<void> => {
    const del = await c.guard(c.deleteGroup(p.group));
    for (const r of del.results) m.noteDelete(r);
    m.groupsCycled++;
    onGroup(m.groupsCycled);
    if (m.groupsCycled === opts.crashWorkerAfterGroups) await c.pool.injectCrash(0, `after ${m.groupsCycled} groups`).catch(() => undefined);
  };
  // `concurrency` runners pull groups from one iterator, in plan order.
  const inParallel = async (items: Iterator<PlannedGroup>, work: (p: PlannedGroup) => Promise<void>): Promise<void> => {
    const runner = async (): Promise<void> => {
      while (!signal?.aborted) {
        const next = items.next();
        if (next.done === true) return;
        await work(next.value);
      }
    };
    await Promise.all(Array.from({ length: cfg.concurrency }, runner));
  };
  const work = async (): Promise<void> => {
    if (cfg.deletePhase === 'after') {
      const t0 = performance.now();
      const created: PlannedGroup[] = [];
      await inParallel(plan, async (p) => {
        await createGroup(p);
        created.push(p);
      });
      m.createSeconds = (performance.now() - t0) / 1000;
      const t1 = performance.now();
      await inParallel(created[Symbol.iterator](), deleteGroup);
      m.deleteSeconds = (performance.now() - t1) / 1000;
    } else {
      await inParallel(plan, async (p) => {
        await createGroup(p);
        // An interrupted lifetime still deletes its group: a partial run leaves no group behind.
        if (p.lifetimeMs > 0) await sleeps.sleep(p.lifetimeMs);
        await deleteGroup(p);
      });
    }
  };
  const abandon = afterAbort(signal, INTERRUPT_GRACE_MS);
  const running = work();
  try {
    // A harness failure still rejects here; an abort that outlasts the grace period resolves.
    await Promise.race([running, abandon.promise]);
  } finally {
    running.catch(() => undefined); // abandoned work rejects when the workers are terminated
    abandon.cancel();
    sleeps.dispose();
    stopCensus = true;
    censusSleeps.dispose();
    await withDeadline(census, STEP_AFTER_INTERRUPT_MS, undefined).catch(() => undefined);
  }
}
