import { Worker } from 'node:worker_threads';
import { ATOMIC_STRATEGIES, STRATEGIES, type StrategyName } from '../../src/create/index.js';
import { FUTEX_WORDS, FutexMutex } from '../../src/shm/futex-mutex.js';
import { SharedRegistry } from '../../src/shm/shared-registry.js';
import { attachServerShm, createServerShmBuffers } from '../../src/shm/server-shm.js';
import { SharedCounters } from '../../src/shm/sync-primitives.js';
import { REPS_COUNTERS, type GocRepsPlan, type GocRepsResult } from './goc-reps.js';

/** What one benchmark process reports: one value (lower is better) and, for scenarios, the verdict. */
export interface Measurement {
  readonly value: number;
  readonly correctness: { readonly strategy: string; readonly outcome: string; readonly duplicates: number; readonly orphansAtEnd: number; readonly reasons: readonly string[] } | null;
}


/** CPU time (user + system) of this process in ns: unlike wall time, it does not count the time other jobs on a shared runner held the CPU. */
export function cpuNs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) * 1000;
}

/**
 * CPU ns per op of `op` run in batches: `warm` warm-up batches first (JIT), then the median of the
 * `timed` batches. CPU time, not wall time: on a shared 2-core runner wall time mostly measures
 * the neighbours (a process preempted for 30 ms looks 30 ms slower), CPU time only the code.
 */
function batchedCpuNs(op: (i: number) => void, batch: number, warm: number, timed: number): number {
  const per: number[] = [];
  let k = 0;
  for (let b = 0; b < warm + timed; b++) {
    const t0 = cpuNs();
    for (let i = 0; i < batch; i++) op(k++);
    const ns = (cpuNs() - t0) / batch;
    if (b >= warm) per.push(ns);
  }
  return medianOf(per);
}

/** batchedCpuNs for an async op (each op awaited before the next: the creation paths are async). */
async function batchedCpuNsAsync(op: (i: number) => Promise<void>, batch: number, warm: number, timed: number): Promise<number> {
  const per: number[] = [];
  let k = 0;
  for (let b = 0; b < warm + timed; b++) {
    const t0 = cpuNs();
    for (let i = 0; i < batch; i++) await op(k++);
    const ns = (cpuNs() - t0) / batch;
    if (b >= warm) per.push(ns);
  }
  return medianOf(per);
}

function medianOf(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1]!;
}

/**
 * The gate's estimator for a one-thread benchmark: `trials` independent trials, each on fresh state
 * (a new table or server memory, so a new placement in memory), and the LOWEST trial value.
 * Why: the same code measured in one trial is bimodal (one lookup-hit process gave trials of 44 and
 * 62 ns, alternating; a `cas` cycle 670 vs 1,300 ns in whole processes), and which mode a trial or a
 * process lands in is placement luck, not code. Noise on a shared runner only ever adds time, so the
 * lowest of many trials is the code's own speed; measured on the quiet machine, 10 fresh processes:
 * the coefficient of variation across processes fell from 20–30% (one trial, median) to 2–5%.
 */
async function minOverTrials(trials: number, trial: () => number | Promise<number>): Promise<number> {
  let best = Infinity;
  for (let t = 0; t < trials; t++) best = Math.min(best, await trial());
  return best;
}

const names = Array.from({ length: 1024 }, (_, i) => `C-R3F-${i.toString(36).padStart(8, 'x')}`);

function lookupHit(): Promise<number> {
  return minOverTrials(32, () => {
    const reg = SharedRegistry.create({ capacity: 4096 });
    for (const n of names) reg.register(n, reg.allocateInstanceId());
    let sink = 0;
    const ns = batchedCpuNs((k) => {
      const e = reg.lookup(names[k & 1023]!);
      if (e.state === 'running') sink += e.instanceId;
    }, 3_000, 10, 20);
    if (sink < 0) throw new Error('unreachable');
    return ns;
  });
}

function reserveCycle(): Promise<number> {
  return minOverTrials(16, () => {
    const reg = SharedRegistry.create({ capacity: 4096 });
    return batchedCpuNs((k) => {
      const n = names[k & 1023]!;
      const r = reg.reserve(n);
      if (r.kind !== 'won') throw new Error('bench: reserve lost on an uncontended table');
      reg.publish(n, r.instanceId);
      reg.unregisterInstance(n, r.instanceId);
    }, 1_000, 10, 20);
  });
}

function futexLockUnlock(): Promise<number> {
  return minOverTrials(16, () => {
    const futex = new FutexMutex(new Int32Array(new SharedArrayBuffer(FUTEX_WORDS * 4)), 0, 1);
    return batchedCpuNs(() => {
      futex.lock();
      futex.unlock();
    }, 3_000, 10, 20);
  });
}

const noBuild = async (): Promise<void> => undefined;

/**
 * One strategy's creation path on one thread: get-or-create of a name nobody holds, then its
 * unregister (64 names cycled, so every call really creates), in CPU ns per cycle, lowest of 16
 * trials on fresh server memory. No contention, so no park/wake luck: this is the number a change
 * to a creation path moves. Correctness is still checked under contention: the same process then
 * runs the two-thread shared-name pass (timings discarded), and a name resolved to two instances
 * under an atomic strategy is forbidden.
 */
async function gocOneThread(strategy: StrategyName): Promise<Measurement> {
  const s = STRATEGIES[strategy];
  const value = await minOverTrials(16, () => {
    const shm = attachServerShm(createServerShmBuffers('S1', { capacity: 1024 }), 0);
    return batchedCpuNsAsync(async (k) => {
      const group = names[k & 63]!;
      const out = await s.create(shm, { group, build: noBuild, assign: () => undefined });
      s.unregister(shm, group, out.instanceId);
    }, 300, 3, 6);
  });
  const contended = await goc(strategy, 2, 'shared', 400, 3, 0); // no warm-up: only its answers count
  return { value, correctness: contended.correctness };
}

/**
 * Get-or-create across threads (bench/gate/goc-worker.js): `threads` workers run `reps` short loops,
 * each released together by the main thread, which parks (no CPU) until all are done. Value: the
 * median over reps of the process's CPU ns per get-or-create call (spinning and retries under
 * contention cost CPU and count; parking does not).
 * Shared pattern: under an atomic strategy every thread must resolve every name to the same
 * instance; a disagreement is a duplicate, reported as a forbidden outcome.
 */
async function goc(strategy: StrategyName, threads: number, pattern: 'shared' | 'disjoint', opsPerRep: number, reps: number, warmupOps = 2_000): Promise<Measurement> {
  const ctl = new SharedCounters(REPS_COUNTERS);
  const server = createServerShmBuffers('S1', { capacity: 2 ** Math.ceil(Math.log2(2 * reps * opsPerRep + 4096)) });
  const url = new URL('./goc-worker.js', import.meta.url);
  const workers = Array.from({ length: threads }, (_, workerId) => {
    const plan: GocRepsPlan = { server, ctl: ctl.buffer, strategy, workerId, pattern, reps, opsPerRep, warmupOps };
    return new Worker(url, { workerData: plan });
  });
  const finished = Promise.all(
    workers.map((w, i) => new Promise<GocRepsResult>((resolve, reject) => {
      w.once('message', (m: { ok: boolean; error?: string } & Partial<GocRepsResult>) => (m.ok && m.elapsedMs && m.instanceIds ? resolve({ elapsedMs: m.elapsedMs, instanceIds: m.instanceIds }) : reject(new Error(`goc worker ${i}: ${m.error ?? ''}`))));
      w.once('error', reject);
    })),
  );
  finished.catch(() => undefined); // observed below; a worker error must not surface as unhandled first
  try {
    const perRep: number[] = [];
    for (let r = 0; r < reps; r++) {
      await Promise.race([ctl.waitAtLeast('ready', threads * (r + 1), 60_000), finished]);
      const t0 = cpuNs();
      ctl.set('go', r + 1);
      await Promise.race([ctl.waitAtLeast('done', threads * (r + 1), 60_000), finished]);
      perRep.push((cpuNs() - t0) / (threads * opsPerRep));
    }
    const res = await finished;
    perRep.sort((a, b) => a - b);
    const value = perRep[perRep.length >> 1]!;
    if (pattern !== 'shared') return { value, correctness: null };
    const disagreements = res[0]!.instanceIds.filter((id, i) => res.some((x) => x.instanceIds[i] !== id)).length;
    const atomic = ATOMIC_STRATEGIES.includes(strategy);
    const outcome = disagreements === 0 ? 'clean' : atomic ? 'forbidden' : 'leaked';
    const reasons = disagreements === 0 ? [] : [`${disagreements} name(s) resolved to different instances by different threads (duplicates)`];
    return { value, correctness: { strategy, outcome, duplicates: disagreements, orphansAtEnd: 0, reasons } };
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}

/** A small churn scenario on real threads; the value is ms per group cycle, and its verdict is kept. */
async function churn(strategy: StrategyName): Promise<Measurement> {
  // Imported here, not at the top: every benchmark process would pay for the scenario's modules.
  const [{ buildConfig }, { runScenario }, { FORBIDDEN_RUN }] = await Promise.all([
    import('../../src/scenario/config.js'), import('../../src/scenario/run.js'), import('../../src/scenario/forbidden-shape.js'),
  ]);
  // broken-cas (test hook only) runs the shape in which it duplicates for certain, so the gate's
  // forbidden path is tested end to end without luck.
  const cfg = strategy === 'broken-cas'
    ? buildConfig({ ...FORBIDDEN_RUN, strategy })
    : buildConfig({ strategy, seed: 7, groups: 24, workers: 2, observeNatsSeconds: 0 }, 'light');
  const r = await runScenario(cfg);
  if (r.harnessFailure !== null) throw new Error(`churn.${strategy}: harness failure: ${r.harnessFailure}`);
  return {
    value: 1000 / r.throughput.groupsPerSec,
    correctness: { strategy, outcome: r.verdict.outcome, duplicates: r.counts.duplicates, orphansAtEnd: r.leaks.orphansAtEnd, reasons: r.verdict.reasons },
  };
}

/**
 * Hosting cost on one worker: 3,000 idle nodes (1,000 R3 groups, every replica on the one worker,
 * null disk so the store is not measured), ticked only when due, leaders elected first. `tick`:
 * the median wall µs of one tick() over 60 ticks (the worker thread is CPU-bound inside tick(), and
 * the median of many short ticks discards the ones a neighbour preempted). `heap`: bytes of heap
 * per idle node after two full GCs (the figure #10 tracks; nearly free of timing noise).
 */
async function hosting(figure: 'tick' | 'heap'): Promise<number> {
  const [{ runCase }, { NATS_TIMING }] = await Promise.all([import('../host/measure.js'), import('../../src/raft/config.js')]);
  const r = await runCase({ nodes: 3_000, workers: 1, repeats: 1, ticksPerRepeat: 60, warmupTicks: 20 }, { tickMode: 'due', disk: 'null', timing: NATS_TIMING, spreadTicks: 0 }, () => undefined);
  if (r.leadersAfter < r.groups) throw new Error(`host: ${r.groups - r.leadersAfter} group(s) without a leader after population`);
  return figure === 'tick' ? r.tickMsPerWorker[0]!.medianMs * 1000 : r.heapPerIdleNodeBytes;
}

const plain = async (f: () => number | Promise<number>): Promise<Measurement> => ({ value: await f(), correctness: null });

/** The function that measures the named benchmark once, or null for a name no benchmark has. */
export function benchmarkRunner(name: string): (() => Promise<Measurement>) | null {
  if (name === 'registry.lookup-hit') return () => plain(lookupHit);
  if (name === 'registry.reserve-publish-unregister') return () => plain(reserveCycle);
  if (name === 'futex.lock-unlock') return () => plain(futexLockUnlock);
  if (name === 'host.tick-due-3k-idle') return () => plain(() => hosting('tick'));
  if (name === 'host.heap-per-idle-node-3k') return () => plain(() => hosting('heap'));
  const m = /^(goc|churn)\.([a-z-]+)(?:\.(1t-create|2t-shared|4t-disjoint))?$/.exec(name);
  const strategy = m?.[2];
  if (m && strategy !== undefined && strategy in STRATEGIES) {
    const s = strategy as StrategyName;
    if (m[1] === 'churn' && m[3] === undefined) return () => churn(s);
    if (m[1] === 'goc' && m[3] === '1t-create') return () => gocOneThread(s);
    if (m[1] === 'goc' && m[3] === '2t-shared') return () => goc(s, 2, 'shared', 400, 9);
    if (m[1] === 'goc' && m[3] === '4t-disjoint') return () => goc(s, 4, 'disjoint', 400, 9);
  }
  return null;
}

/** Runs the named benchmark once in this process. Unknown names throw. */
export async function measure(name: string): Promise<Measurement> {
  const run = benchmarkRunner(name);
  if (run === null) throw new Error(`unknown benchmark ${JSON.stringify(name)}`);
  return run();
}
