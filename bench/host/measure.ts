/**
 * The host bench's measurements, one fresh set of raw worker threads per case (heap deltas are not
 * polluted by earlier cases). Ticks are driven by hand in lockstep batches, never by a timer.
 */
import { MessageChannel } from 'node:worker_threads';
import { createRunBuffers } from '../../src/cluster/host-pool.js';
import type { HostConfig } from '../../src/cluster/protocol.js';
import type { RaftTiming } from '../../src/raft/config.js';
import { percentile, summarize, type Summary } from '../../src/scenario/stats.js';
import { createRunStore } from '../../src/storage/run-store.js';
import { BenchWorker } from './bench-worker.js';
import { heldBytes, type PopulateReply, type TicksReply } from './protocol.js';

/**
 * 'due': the core as it runs (timer wheel, steady nodes parked); 'unparked': the same without
 * parking (every node on its objects); 'every': the former every-node loop. Same seed, same trace.
 */
export type TickMode = 'due' | 'unparked' | 'every';
/** memfs: one volume per worker (dropped before the host-only heap); fs: a temp run store; null: stores nothing. */
export type BenchDisk = 'fs' | 'memfs' | 'null';

/** One case's knobs. */
export interface Variant {
  readonly tickMode: TickMode;
  readonly disk: BenchDisk;
  readonly timing: RaftTiming;
  /**
   * Populate in this many waves (group g in wave g mod spreadTicks), every worker creating a wave
   * before one lockstep tick starts its campaigns (0 or 1: all at once). Elections, and then
   * heartbeats, then fall on every phase of the heartbeat period, as on a server whose groups came
   * over time; ticks between waves are not counted as populating.
   */
  readonly spreadTicks: number;
}

/** Distribution of single-tick wall times (ms) over every recorded tick of a case. */
export interface TickMsDistribution {
  readonly ticks: number;
  readonly medianMs: number;
  readonly p99Ms: number;
  readonly maxMs: number;
}

/** Heap after two full GCs, per worker, in bytes. */
export interface HeapFigures {
  readonly emptyBytes: number;
  readonly steadyBytes: number;
  /** After dropping the memfs volume (other disks: measured again at the end). */
  readonly hostOnlyBytes: number;
  /** (hostOnly - empty) / nodes: the "heap per idle node" figure. */
  readonly perNodeIdleBytes: number;
  /** (steady - hostOnly) / nodes: the memfs volume's share (other disks: GC noise only). */
  readonly perNodeStoreBytes: number;
}

/** One case: `workers` workers hosting every replica of ceil(nodes / 3) R3 groups between them. */
export interface CaseResult {
  readonly tickMode: TickMode;
  readonly disk: BenchDisk;
  readonly heartbeatTicks: number;
  readonly workers: number;
  readonly nodesTotal: number;
  readonly nodesPerWorker: readonly number[];
  readonly groups: number;
  readonly populateWallMs: number;
  /** Ticks from the end of population until every group had a leader. */
  readonly ticksToAllLeaders: number;
  /** Per worker, every recorded tick of every repeat (`tick()` alone; cross-worker deliveries happen outside it). */
  readonly tickMsPerWorker: readonly TickMsDistribution[];
  /**
   * Per worker, the worker thread's CPU ms per recorded tick, mean over them all (thread-cpu.ts):
   * what a busy run queue inflates least. A mean, not a median: the kernel accounts a running
   * thread's CPU time at scheduler ticks, so one short tick's reading is coarse but the errors
   * average out over many. NaN where not measurable.
   */
  readonly tickCpuMsMeanPerWorker: readonly number[];
  /** One sample per repeat: the median tick (ms) of that repeat, worker 0. */
  readonly tickMsMedianPerRepeat: Summary;
  /** Node ticks the cores ran per tick (due timers fired; 'every': all nodes), all workers, mean over the windows. */
  readonly nodesTickedPerTick: number;
  /** Deliveries (local and cross-worker) per tick, all workers, mean over the windows. */
  readonly deliveriesPerTick: number;
  /**
   * Share of the windows' node ticks and deliveries that parked nodes took from their records
   * (src/raft/parked.ts): near 1 in steady state with parking on; 0 for 'unparked' and 'every'.
   * A low share in 'due' means the windows were not steady state (warm-up too short).
   */
  readonly parkedShare: number;
  /** Per worker: (tick time + time delivering the other worker's batches) / ticks, in ms. */
  readonly busyMsPerTickPerWorker: readonly number[];
  /** One sample per repeat: messages that crossed the channel (both directions) per wall second (0 for 1 worker). */
  readonly crossMessagesPerSec: Summary;
  /** One sample per repeat: every delivery per wall second, all workers. */
  readonly deliveredPerSec: Summary;
  /** One sample per repeat: lockstep ticks per wall second of the bench loop (settling and yields included). */
  readonly loopTicksPerSec: Summary;
  readonly heapPerWorker: readonly HeapFigures[];
  /** Sum over workers of (hostOnly - empty) / total nodes, in bytes. */
  readonly heapPerIdleNodeBytes: number;
  readonly leadersAfter: number;
  /** Messages dropped or shed during the measured windows (must be 0). */
  readonly lostInWindows: number;
}

export interface CasePlan {
  readonly nodes: number;
  readonly workers: 1 | 2;
  readonly repeats: number;
  readonly ticksPerRepeat: number;
  readonly warmupTicks: number;
}

const POPULATE_CONCURRENCY = 64;
/** Lockstep batch: each worker runs this many ticks, then all report (bounds their drift). */
export const BATCH_TICKS = 10;
const ELECTION_TICKS_MAX = 2_000;
/** The send budget is a storm guard, not a capacity limit: set far above what the bench can send. */
const BENCH_MESSAGES_PER_SECOND_MAX = 1_000_000_000;

export const groupsFor = (nodes: number): number => Math.ceil(nodes / 3);

function hostConfig(groups: number, workers: number, storeRoot: string, v: Variant): HostConfig {
  return {
    seed: 1, servers: 3, replicas: 3, workers, groupsMax: groups,
    timeScaleMs: 1000, // real NATS time; ticks are driven by hand, so this only scales the WRN limiter
    timing: v.timing, disk: v.disk === 'fs' ? 'fs' : 'memfs', storeRoot, diskFaults: {}, entriesPerSecondPerGroup: 0,
    natsVersion: '2.14.0', cpuBusyShare: 0, logPath: '', waitTimeoutMs: 30_000, messagesPerSecondMax: BENCH_MESSAGES_PER_SECOND_MAX,
  };
}

export function distribution(samples: readonly number[]): TickMsDistribution {
  return { ticks: samples.length, medianMs: percentile(samples, 0.5), p99Ms: percentile(samples, 0.99), maxMs: samples.length ? Math.max(...samples) : 0 };
}

async function leadersOf(workers: readonly BenchWorker[]): Promise<number> {
  return (await Promise.all(workers.map((w) => w.leaders()))).reduce((n, c) => n + c.leaders, 0);
}

interface Lockstep {
  readonly last: TicksReply[];
  /** Per worker, each recorded tick's wall ms and thread CPU ms (empty unless `record`). */
  readonly tickMs: number[][];
  readonly tickCpuMs: number[][];
  readonly wallMs: number;
}

/**
 * `ticks` lockstep ticks in batches of BATCH_TICKS: each worker runs a batch, then all report (this
 * bounds their drift). The bench's tick loop for warm-up and measured windows.
 */
async function lockstep(workers: readonly BenchWorker[], ticks: number, record: boolean): Promise<Lockstep> {
  const tickMs: number[][] = workers.map(() => []);
  const tickCpuMs: number[][] = workers.map(() => []);
  let last: TicksReply[] = [];
  const t0 = performance.now();
  for (let done = 0; done < ticks; done += BATCH_TICKS) {
    last = await Promise.all(workers.map((w) => w.ticks(Math.min(BATCH_TICKS, ticks - done), record)));
    last.forEach((x, i) => {
      tickMs[i]!.push(...x.tickMs);
      tickCpuMs[i]!.push(...x.tickCpuMs);
    });
  }
  return { last, tickMs, tickCpuMs, wallMs: performance.now() - t0 };
}

const sum = (rs: readonly TicksReply[], f: (r: TicksReply) => number): number => rs.reduce((n, r) => n + f(r), 0);

/** Electing progress is reported at most this often (wall ms): a 1M-node election is slow, and a stall must show why. */
const ELECTING_REPORT_MS = 15_000;
/** Electing ticks run one per worker call (see tickUntilAllLeaders); NATS campaigns fire within 8 ticks. */
const ELECTING_SINGLE_TICKS = 20;

/**
 * Ticks until every group has a leader (lockstep batches, checked before each). At most every
 * ELECTING_REPORT_MS it reports the counters that tell a slow election from a stalled one: leaders,
 * candidates, the summed term (climbing while leaders do not: repeated split votes), messages shed
 * or dropped, and per tick since the last report: settle rounds, settle ms and deliveries.
 */
async function tickUntilAllLeaders(workers: readonly BenchWorker[], groups: number, progress: (s: string) => void): Promise<number> {
  const t0 = performance.now();
  let reportAt = t0 + ELECTING_REPORT_MS;
  let done = 0;
  let lastTicks = 0;
  let last = await Promise.all(workers.map((w) => w.ticks(0, false)));
  for (;;) {
    const ls = await Promise.all(workers.map((w) => w.leaders()));
    const leaders = ls.reduce((n, c) => n + c.leaders, 0);
    const finished = leaders === groups || done >= ELECTION_TICKS_MAX;
    if (performance.now() >= reportAt || finished) {
      reportAt = performance.now() + ELECTING_REPORT_MS;
      const t = await Promise.all(workers.map((w) => w.ticks(0, false)));
      const k = Math.max(1, done - lastTicks);
      const per = (f: (x: TicksReply) => number): string => t.map((x, i) => ((f(x) - f(last[i]!)) / k).toFixed(1)).join('/');
      progress(
        `  electing: ${done} ticks, ${((performance.now() - t0) / 1000).toFixed(0)} s, leaders ${leaders}/${groups}, candidates ${ls.reduce((n, c) => n + c.candidates, 0)}, ` +
          `term sum ${ls.reduce((n, c) => n + c.termSum, 0)} max ${Math.max(...ls.map((c) => c.termMax))}, shed ${sum(t, (x) => x.messagesShed)}, dropped ${sum(t, (x) => x.messagesDropped)}; ` +
          `per tick, per worker: settle rounds ${per((x) => x.settleRounds)}, settle ms ${per((x) => x.settleMs)}, deliveries ${per((x) => x.messagesDelivered)}, cross in ${per((x) => x.crossIn)}`,
      );
      last = t;
      lastTicks = done;
    }
    if (leaders === groups) return done;
    if (done >= ELECTION_TICKS_MAX) throw new Error(`not every one of ${groups} groups had a leader after ${ELECTION_TICKS_MAX} ticks`);
    // One tick per call at first: the first few ticks hold every group's election (at 1M nodes
    // minutes of work per worker on a loaded machine), and one call must stay far below
    // CALL_TIMEOUT_MS (bench-worker.ts): a 10-tick first batch took 777 s of the 1,200 here.
    const n = done < ELECTING_SINGLE_TICKS ? 1 : BATCH_TICKS;
    await Promise.all(workers.map((w) => w.ticks(n, false)));
    done += n;
  }
}

/**
 * One case, populated, elected and warmed up, its workers alive: `window()` measures one repeat
 * (so several cases can take turns, see run.ts's scaling section), `finish()` measures the heap and
 * returns the figures, `close()` stops the workers and removes the temp store (always call it).
 */
export interface OpenCase {
  readonly plan: CasePlan;
  readonly variant: Variant;
  /** One measured window of `plan.ticksPerRepeat` ticks; returns worker 0's median tick (ms) in it. */
  window(): Promise<number>;
  finish(): Promise<CaseResult>;
  close(): Promise<void>;
}

/** Populates, elects and warms up one case (see OpenCase); on failure its workers and store are already cleaned up. */
export async function openCase(p: CasePlan, v: Variant, progress: (s: string) => void): Promise<OpenCase> {
  const groups = groupsFor(p.nodes);
  const store = await createRunStore();
  const config = hostConfig(groups, p.workers, v.disk === 'fs' ? store.root : '/store', v);
  const buffers = createRunBuffers(config);
  const ch = p.workers === 2 ? new MessageChannel() : null;
  const ws = Array.from({ length: p.workers }, (_, i) =>
    new BenchWorker(`host worker ${i}`, { workerId: i, config, buffers, peer: ch ? (i === 0 ? ch.port1 : ch.port2) : null, tickMode: v.tickMode, nullDisk: v.disk === 'null' }),
  );
  let closed = false;
  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    await Promise.all(ws.map((w) => w.close()));
    ch?.port1.close();
    ch?.port2.close();
    await store.cleanup();
  };
  try {
    const empty = await Promise.all(ws.map((w) => w.heap()));
    // Wave by wave, every worker creates its replicas of the wave's groups, then one lockstep tick
    // (not counted as populating) starts their campaigns; see Variant.spreadTicks.
    const waves = Math.max(1, v.spreadTicks);
    let populateWallMs = 0;
    let pops: PopulateReply[] = [];
    for (let wave = 0; wave < waves; wave++) {
      const t0 = performance.now();
      pops = await Promise.all(ws.map((w) => w.populate(groups, POPULATE_CONCURRENCY, wave, waves)));
      populateWallMs += performance.now() - t0;
      if (pops.some((x) => x.failed > 0)) break;
      if (waves > 1) await Promise.all(ws.map((w) => w.ticks(1, false)));
    }
    const failed = pops.reduce((n, x) => n + x.failed, 0);
    if (failed > 0) throw new Error(`${failed} creates failed, first: ${pops.find((x) => x.failed > 0)?.firstError ?? ''}`);
    const nodesPerWorker = pops.map((x) => x.nodes);
    const nodesTotal = nodesPerWorker.reduce((a, b) => a + b, 0);
    progress(`  ${v.tickMode}: ${nodesTotal} nodes on ${p.workers} worker(s) populated in ${(populateWallMs / 1000).toFixed(1)} s, electing…`);
    const ticksToAllLeaders = await tickUntilAllLeaders(ws, groups, progress);
    await lockstep(ws, p.warmupTicks, false);
    const steady = await Promise.all(ws.map((w) => w.heap()));
    const tickMs: number[][] = ws.map(() => []);
    const tickCpuMs: number[][] = ws.map(() => []);
    const medians: number[] = [];
    const cross: number[] = [];
    const delivered: number[] = [];
    const loop: number[] = [];
    const start = await Promise.all(ws.map((w) => w.ticks(0, false)));
    let before = start;
    const window = async (): Promise<number> => {
      const win = await lockstep(ws, p.ticksPerRepeat, true);
      win.tickMs.forEach((ms, i) => tickMs[i]!.push(...ms));
      win.tickCpuMs.forEach((ms, i) => tickCpuMs[i]!.push(...ms));
      const median = percentile(win.tickMs[0]!, 0.5);
      medians.push(median);
      const perSec = (f: (r: TicksReply) => number): number => ((sum(win.last, f) - sum(before, f)) / win.wallMs) * 1000;
      cross.push(perSec((x) => x.crossIn));
      delivered.push(perSec((x) => x.messagesDelivered));
      loop.push((p.ticksPerRepeat / win.wallMs) * 1000);
      before = win.last;
      return median;
    };
    const finish = async (): Promise<CaseResult> => {
      const ticks = medians.length * p.ticksPerRepeat;
      if (ticks === 0) throw new Error('finish() before any window');
      const delta = (f: (r: TicksReply) => number): number => sum(before, f) - sum(start, f);
      const leadersAfter = await leadersOf(ws);
      await Promise.all(ws.map((w) => w.dropStore()));
      const hostOnly = await Promise.all(ws.map((w) => w.heap()));
      const heapPerWorker = ws.map((_, i): HeapFigures => {
        const n = nodesPerWorker[i]!;
        return {
          emptyBytes: heldBytes(empty[i]!), steadyBytes: heldBytes(steady[i]!), hostOnlyBytes: heldBytes(hostOnly[i]!),
          perNodeIdleBytes: (heldBytes(hostOnly[i]!) - heldBytes(empty[i]!)) / n,
          perNodeStoreBytes: (heldBytes(steady[i]!) - heldBytes(hostOnly[i]!)) / n,
        };
      });
      return {
        tickMode: v.tickMode, disk: v.disk, heartbeatTicks: v.timing.heartbeatTicks, workers: p.workers, nodesTotal, nodesPerWorker, groups,
        populateWallMs, ticksToAllLeaders,
        tickMsPerWorker: tickMs.map(distribution),
        tickMsMedianPerRepeat: summarize(medians),
        tickCpuMsMeanPerWorker: tickCpuMs.map((ms) => ms.reduce((a, b) => a + b, 0) / ms.length),
        nodesTickedPerTick: delta((x) => x.nodesTicked) / ticks,
        deliveriesPerTick: delta((x) => x.messagesDelivered) / ticks,
        parkedShare: delta((x) => x.parkedSteps) / Math.max(1, delta((x) => x.nodesTicked + x.messagesDelivered)),
        busyMsPerTickPerWorker: tickMs.map((ms, i) => (ms.reduce((a, b) => a + b, 0) + before[i]!.receiveMs - start[i]!.receiveMs) / ms.length),
        crossMessagesPerSec: summarize(cross),
        deliveredPerSec: summarize(delivered),
        loopTicksPerSec: summarize(loop),
        heapPerWorker,
        heapPerIdleNodeBytes: hostOnly.reduce((n, h, i) => n + heldBytes(h) - heldBytes(empty[i]!), 0) / nodesTotal,
        leadersAfter,
        lostInWindows: delta((x) => x.messagesDropped + x.messagesShed),
      };
    };
    return { plan: p, variant: v, window, finish, close };
  } catch (e) {
    await close();
    throw e;
  }
}

/** Runs one case end to end (its repeats back to back); workers and temp store are always cleaned up. */
export async function runCase(p: CasePlan, v: Variant, progress: (s: string) => void): Promise<CaseResult> {
  const c = await openCase(p, v, progress);
  try {
    for (let r = 0; r < p.repeats; r++) await c.window();
    return await c.finish();
  } finally {
    await c.close();
  }
}
