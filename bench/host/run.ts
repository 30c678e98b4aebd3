/**
 * Host figures: what one tick costs over many hosted Raft nodes, how much heap an idle node takes,
 * and how many Raft messages two workers exchange per second. Every host runs in its own raw
 * worker thread (fresh isolate: heap deltas are not polluted by earlier runs) and is ticked by
 * hand, in lockstep batches, never by its timer.
 *
 * Disk: MemDisk by default (`disk: 'fs'` for FsDisk on a temporary run store, removed afterwards,
 * also on error). Steady state does no disk I/O at all (heartbeats write nothing), so the backend
 * only shapes population and elections. On this 2-core shared machine FsDisk made populating 100k
 * nodes take 25–60 s of mostly kernel time (4 syscalls per create, 3 inodes per group dir, ~1 GB of
 * 4 KiB blocks), which alone would break the time budget; MemDisk populates in seconds. Because a
 * memfs volume lives in the JS heap (and keeps ~0.8 KiB per entry even after `rm`), the
 * heap-per-node figure is taken after the whole volume has been dropped (SwappableMemDisk; the
 * nodes stay live), and the volume's share is reported on its own. Two workers
 * get one private volume each: sound here because a (server, group) directory is only ever touched
 * by the one worker hosting it.
 */
import { MessageChannel } from 'node:worker_threads';
import { createRunBuffers } from '../../src/cluster/host-pool.js';
import { MESSAGES_PER_SECOND_MAX_DEFAULT, type HostConfig } from '../../src/cluster/protocol.js';
import { NATS_TICK_MS, NATS_TIMING } from '../../src/raft/config.js';
import { machineFacts, type MachineFacts } from '../../src/scenario/machine.js';
import { percentile, summarize, type Summary } from '../../src/scenario/stats.js';
import { createRunStore } from '../../src/storage/run-store.js';
import { BenchWorker } from './bench-worker.js';
import type { TicksReply } from './protocol.js';

export interface HostBenchOptions {
  readonly smoke: boolean;
  /** Store backend of the hosts; default 'memfs' (see the file comment for why). */
  readonly disk?: 'fs' | 'memfs';
}

/** Distribution of single-tick wall times (ms) over every recorded tick of a run. */
export interface TickMsDistribution {
  readonly ticks: number;
  readonly medianMs: number;
  readonly p99Ms: number;
  readonly maxMs: number;
}

export interface HeapFigures {
  /** heapUsed after two GCs with the host constructed and empty, in bytes. */
  readonly emptyBytes: number;
  /** heapUsed in steady state (every group led, heartbeating, no load) after two GCs, store included, in bytes. */
  readonly steadyBytes: number;
  /** heapUsed after two GCs once the memfs volume is dropped (fs: measured again at the end), in bytes. */
  readonly hostOnlyBytes: number;
  /** (hostOnly - empty) / nodes, in bytes: the "heap per idle node" figure. */
  readonly perNodeIdleBytes: number;
  /** (steady - hostOnly) / nodes: what the memfs volume costs per node (fs: GC noise only), in bytes. */
  readonly perNodeStoreBytes: number;
}

/** One worker hosting every replica of `groups` R3 groups (all traffic local to the worker). */
export interface TickCostResult {
  readonly nodes: number;
  readonly groups: number;
  readonly populateWallMs: number;
  /** Ticks from the first tick until every group had a leader. */
  readonly ticksToAllLeaders: number;
  /** Over every recorded tick of every repeat. */
  readonly tickMs: TickMsDistribution;
  /** One sample per repeat: the median tick of that repeat's window, in ms. */
  readonly tickMsMedianPerRepeat: Summary;
  /** 1000 / median tick ms: ticks per second one worker could run if ticking were all it did. */
  readonly impliedTicksPerSec: number;
  /** impliedTicksPerSec / 10: how many times faster than real NATS time (10 ticks/s) that is. */
  readonly impliedNatsSpeedup: number;
  /** One sample per repeat: ticks per wall second of the bench loop itself (I/O settling and yields included). */
  readonly loopTicksPerSec: Summary;
  readonly heap: HeapFigures;
  /** Leaders counted after the last repeat (must still be one per group: no election churn). */
  readonly leadersAfter: number;
}

/** Two workers, each group's replicas split across both, a MessageChannel between them. */
export interface TwoWorkerResult {
  readonly nodesTotal: number;
  readonly groups: number;
  readonly nodesPerWorker: readonly number[];
  readonly populateWallMs: number;
  readonly ticksToAllLeaders: number;
  /** Steady-state heap of each worker after two GCs, memfs volume dropped (host only), in bytes. */
  readonly heapHostOnlyPerWorkerBytes: readonly number[];
  /** Sum over workers of (hostOnly - empty) / total nodes, in bytes. */
  readonly heapPerIdleNodeBytes: number;
  /** Sum over workers of (steady - hostOnly) / total nodes: the memfs volumes' share, in bytes. */
  readonly heapStorePerNodeBytes: number;
  /** `tickAll()` alone, per worker. Deliveries of batches from the other worker happen outside it. */
  readonly tickMsPerWorker: readonly TickMsDistribution[];
  /** Per worker: (tickAll time + time in host.receive for cross-worker batches) / ticks, in ms. */
  readonly busyMsPerTickPerWorker: readonly number[];
  /** One sample per repeat: Raft messages that crossed the channel (both directions) per wall second. */
  readonly crossMessagesPerSec: Summary;
  /** One sample per repeat: every delivery (local and cross-worker) per wall second, both workers. */
  readonly deliveredPerSec: Summary;
  /** One sample per repeat: lockstep ticks per wall second (both workers tick once per tick). */
  readonly loopTicksPerSec: Summary;
  readonly leadersAfter: number;
  /** Messages dropped during the measured windows (an addressed instance was gone: must be 0). */
  readonly droppedInWindows: number;
}

export interface HostTargetCheck {
  readonly description: string;
  readonly measured: string;
  readonly goal: string;
  /** null: not measured in this mode (smoke runs stay below the target's size). */
  readonly met: boolean | null;
}

export interface HostBenchResult {
  readonly schema: 'raftrace.bench.host/1';
  readonly mode: 'smoke' | 'full';
  readonly machine: MachineFacts;
  readonly disk: 'fs' | 'memfs';
  readonly repeats: number;
  readonly ticksPerRepeat: { readonly oneWorker: number; readonly twoWorkers: number };
  readonly tickCost: readonly TickCostResult[];
  readonly twoWorkers: readonly TwoWorkerResult[];
  readonly targets: readonly HostTargetCheck[];
  readonly wallSeconds: number;
}

interface Plan {
  readonly oneWorkerNodes: readonly number[];
  readonly twoWorkerNodes: readonly number[];
  readonly repeats: number;
  readonly oneWorkerTicks: number;
  readonly twoWorkerTicks: number;
  readonly warmupTicks: number;
}

const FULL: Plan = { oneWorkerNodes: [10_000, 50_000, 100_000], twoWorkerNodes: [10_000, 100_000], repeats: 3, oneWorkerTicks: 100, twoWorkerTicks: 50, warmupTicks: 20 };
const SMOKE: Plan = { oneWorkerNodes: [10_000], twoWorkerNodes: [10_000], repeats: 3, oneWorkerTicks: 100, twoWorkerTicks: 50, warmupTicks: 20 };

/** Creates in flight per worker while populating (FsDisk work overlaps in libuv's pool). */
const POPULATE_CONCURRENCY = 64;
/** Lockstep batch: each worker runs this many ticks, then both report (bounds their drift). */
const BATCH_TICKS = 10;
/** Election must complete within this many ticks (preferred replicas campaign after 1–8). */
const ELECTION_TICKS_MAX = 1_000;
const TIDLE_TARGET_BYTES = 2048;
const TICK_TARGET_MS = 20;
const TARGET_NODES = 100_000;

function hostConfig(groups: number, workers: number, storeRoot: string, disk: 'fs' | 'memfs'): HostConfig {
  return {
    seed: 1,
    servers: 3,
    replicas: 3,
    workers,
    groupsMax: groups,
    timeScaleMs: 1000, // real NATS time; ticks are driven by hand, so this only scales the WRN limiter
    timing: NATS_TIMING,
    disk,
    storeRoot,
    diskFaults: {},
    entriesPerSecondPerGroup: 0,
    natsVersion: '2.14.0',
    cpuBusyShare: 0,
    logPath: '',
    waitTimeoutMs: 30_000,
    messagesPerSecondMax: MESSAGES_PER_SECOND_MAX_DEFAULT,
  };
}

function distribution(samples: readonly number[]): TickMsDistribution {
  return { ticks: samples.length, medianMs: percentile(samples, 0.5), p99Ms: percentile(samples, 0.99), maxMs: samples.length ? Math.max(...samples) : 0 };
}

/** Ticks every worker in lockstep batches until the workers' leaders add up to `groups`. */
async function tickUntilAllLeaders(workers: readonly BenchWorker[], groups: number): Promise<number> {
  for (let t = 0; t < ELECTION_TICKS_MAX; t += BATCH_TICKS) {
    await Promise.all(workers.map((w) => w.ticks(BATCH_TICKS, false)));
    const counts = await Promise.all(workers.map((w) => w.leaders()));
    if (counts.reduce((n, c) => n + c.leaders, 0) === groups) return t + BATCH_TICKS;
  }
  throw new Error(`not every one of ${groups} groups had a leader after ${ELECTION_TICKS_MAX} ticks`);
}

async function leadersOf(workers: readonly BenchWorker[]): Promise<number> {
  return (await Promise.all(workers.map((w) => w.leaders()))).reduce((n, c) => n + c.leaders, 0);
}

/** Runs `ticks` lockstep ticks; returns each worker's last reply and the window's wall time. */
async function window(workers: readonly BenchWorker[], ticks: number): Promise<{ replies: TicksReply[][]; wallMs: number }> {
  const replies: TicksReply[][] = workers.map(() => []);
  const t0 = performance.now();
  for (let done = 0; done < ticks; done += BATCH_TICKS) {
    const r = await Promise.all(workers.map((w) => w.ticks(Math.min(BATCH_TICKS, ticks - done), true)));
    r.forEach((x, i) => replies[i]!.push(x));
  }
  return { replies, wallMs: performance.now() - t0 };
}

const groupsFor = (nodes: number): number => Math.ceil(nodes / 3);

async function runTickCost(nodesWanted: number, plan: Plan, disk: 'fs' | 'memfs', progress: (s: string) => void): Promise<TickCostResult> {
  const groups = groupsFor(nodesWanted);
  const store = await createRunStore();
  const config = hostConfig(groups, 1, disk === 'fs' ? store.root : '/store', disk);
  const w = new BenchWorker('host worker 0', { workerId: 0, config, buffers: createRunBuffers(config), peer: null });
  try {
    const empty = await w.heap();
    const pop = await w.populate(groups, POPULATE_CONCURRENCY);
    if (pop.failed > 0) throw new Error(`${pop.failed} creates failed, first: ${pop.firstError}`);
    progress(`  1 worker, ${pop.nodes} nodes: populated in ${(pop.wallMs / 1000).toFixed(1)} s, electing…`);
    const ticksToAllLeaders = await tickUntilAllLeaders([w], groups);
    await w.ticks(plan.warmupTicks, false);
    const steady = await w.heap();
    const all: number[] = [];
    const medians: number[] = [];
    const loopRates: number[] = [];
    for (let r = 0; r < plan.repeats; r++) {
      const { replies, wallMs } = await window([w], plan.oneWorkerTicks);
      const ms = replies[0]!.flatMap((x) => x.tickMs);
      all.push(...ms);
      medians.push(percentile(ms, 0.5));
      loopRates.push((plan.oneWorkerTicks / wallMs) * 1000);
    }
    const leadersAfter = await leadersOf([w]);
    await w.dropStore();
    const hostOnly = await w.heap();
    const dist = distribution(all);
    const impliedTicksPerSec = dist.medianMs > 0 ? 1000 / dist.medianMs : Number.POSITIVE_INFINITY;
    return {
      nodes: pop.nodes,
      groups,
      populateWallMs: pop.wallMs,
      ticksToAllLeaders,
      tickMs: dist,
      tickMsMedianPerRepeat: summarize(medians),
      impliedTicksPerSec,
      impliedNatsSpeedup: impliedTicksPerSec / (1000 / NATS_TICK_MS),
      loopTicksPerSec: summarize(loopRates),
      heap: {
        emptyBytes: empty.heapUsedBytes,
        steadyBytes: steady.heapUsedBytes,
        hostOnlyBytes: hostOnly.heapUsedBytes,
        perNodeIdleBytes: (hostOnly.heapUsedBytes - empty.heapUsedBytes) / pop.nodes,
        perNodeStoreBytes: (steady.heapUsedBytes - hostOnly.heapUsedBytes) / pop.nodes,
      },
      leadersAfter,
    };
  } finally {
    await w.close();
    await store.cleanup();
  }
}

async function runTwoWorkers(nodesWanted: number, plan: Plan, disk: 'fs' | 'memfs', progress: (s: string) => void): Promise<TwoWorkerResult> {
  const groups = groupsFor(nodesWanted);
  const store = await createRunStore();
  const config = hostConfig(groups, 2, disk === 'fs' ? store.root : '/store', disk);
  const buffers = createRunBuffers(config);
  const ch = new MessageChannel();
  const ws = [
    new BenchWorker('host worker 0', { workerId: 0, config, buffers, peer: ch.port1 }),
    new BenchWorker('host worker 1', { workerId: 1, config, buffers, peer: ch.port2 }),
  ];
  try {
    const empty = await Promise.all(ws.map((w) => w.heap()));
    const t0 = performance.now();
    const pops = await Promise.all(ws.map((w) => w.populate(groups, POPULATE_CONCURRENCY)));
    const populateWallMs = performance.now() - t0;
    const failed = pops.reduce((n, p) => n + p.failed, 0);
    if (failed > 0) throw new Error(`${failed} creates failed, first: ${pops.find((p) => p.failed > 0)?.firstError ?? ''}`);
    const nodesPerWorker = pops.map((p) => p.nodes);
    const nodesTotal = nodesPerWorker.reduce((a, b) => a + b, 0);
    progress(`  2 workers, ${nodesTotal} nodes (${nodesPerWorker.join(' + ')}): populated in ${(populateWallMs / 1000).toFixed(1)} s, electing…`);
    const ticksToAllLeaders = await tickUntilAllLeaders(ws, groups);
    await window(ws, plan.warmupTicks);
    const steady = await Promise.all(ws.map((w) => w.heap()));
    const tickMs: number[][] = ws.map(() => []);
    const receiveMs = ws.map(() => 0);
    const cross: number[] = [];
    const delivered: number[] = [];
    const loop: number[] = [];
    let dropped = 0;
    const totals = (rs: readonly TicksReply[]): { cross: number; delivered: number; dropped: number } => ({
      cross: rs.reduce((n, r) => n + r.crossIn, 0),
      delivered: rs.reduce((n, r) => n + r.messagesDelivered, 0),
      dropped: rs.reduce((n, r) => n + r.messagesDropped, 0),
    });
    const start = await Promise.all(ws.map((w) => w.ticks(0, false)));
    let before = totals(start);
    let last = start;
    for (let r = 0; r < plan.repeats; r++) {
      const { replies, wallMs } = await window(ws, plan.twoWorkerTicks);
      replies.forEach((rs, i) => tickMs[i]!.push(...rs.flatMap((x) => x.tickMs)));
      last = replies.map((rs) => rs[rs.length - 1]!);
      const after = totals(replies.map((rs) => rs[rs.length - 1]!));
      cross.push(((after.cross - before.cross) / wallMs) * 1000);
      delivered.push(((after.delivered - before.delivered) / wallMs) * 1000);
      loop.push((plan.twoWorkerTicks / wallMs) * 1000);
      dropped += after.dropped - before.dropped;
      before = after;
    }
    last.forEach((x, i) => (receiveMs[i] = x.receiveMs - start[i]!.receiveMs));
    const leadersAfter = await leadersOf(ws);
    await Promise.all(ws.map((w) => w.dropStore()));
    const hostOnly = await Promise.all(ws.map((w) => w.heap()));
    return {
      nodesTotal,
      groups,
      nodesPerWorker,
      populateWallMs,
      ticksToAllLeaders,
      heapHostOnlyPerWorkerBytes: hostOnly.map((h) => h.heapUsedBytes),
      heapPerIdleNodeBytes: hostOnly.reduce((n, h, i) => n + h.heapUsedBytes - empty[i]!.heapUsedBytes, 0) / nodesTotal,
      heapStorePerNodeBytes: steady.reduce((n, h, i) => n + h.heapUsedBytes - hostOnly[i]!.heapUsedBytes, 0) / nodesTotal,
      tickMsPerWorker: tickMs.map(distribution),
      busyMsPerTickPerWorker: tickMs.map((ms, i) => (ms.reduce((a, b) => a + b, 0) + receiveMs[i]!) / ms.length),
      crossMessagesPerSec: summarize(cross),
      deliveredPerSec: summarize(delivered),
      loopTicksPerSec: summarize(loop),
      leadersAfter,
      droppedInWindows: dropped,
    };
  } finally {
    await Promise.all(ws.map((w) => w.close()));
    ch.port1.close();
    ch.port2.close();
    await store.cleanup();
  }
}

function targetsOf(tick: readonly TickCostResult[], two: readonly TwoWorkerResult[]): HostTargetCheck[] {
  const big2 = two.find((r) => r.nodesTotal >= TARGET_NODES * 0.99);
  const small2 = two[two.length - 1];
  const big1 = tick.find((r) => r.nodes >= TARGET_NODES * 0.99);
  const small1 = tick[tick.length - 1];
  return [
    {
      description: '100k live nodes across 2 workers, heap per idle node',
      measured: big2 ? `${big2.heapPerIdleNodeBytes.toFixed(0)} B at ${big2.nodesTotal} nodes` : small2 ? `not at 100k (smoke: ${small2.heapPerIdleNodeBytes.toFixed(0)} B at ${small2.nodesTotal})` : 'not measured',
      goal: `< ${TIDLE_TARGET_BYTES} B (2 KiB)`,
      met: big2 ? big2.leadersAfter === big2.groups && big2.heapPerIdleNodeBytes < TIDLE_TARGET_BYTES : null,
    },
    {
      description: 'one tickAll() over 100k nodes in one worker (median)',
      measured: big1
        ? `${big1.tickMs.medianMs.toFixed(2)} ms median, ${big1.tickMs.p99Ms.toFixed(2)} ms p99`
        : small1
          ? `not at 100k (smoke: ${small1.tickMs.medianMs.toFixed(2)} ms at ${small1.nodes})`
          : 'not measured',
      goal: `< ${TICK_TARGET_MS} ms`,
      met: big1 ? big1.tickMs.medianMs < TICK_TARGET_MS : null,
    },
  ];
}

/** Runs the host figures; `progress` gets one line per step (default: stderr). */
export async function runHostBench(opts: HostBenchOptions, progress: (line: string) => void = (l) => process.stderr.write(`${l}\n`)): Promise<HostBenchResult> {
  const t0 = performance.now();
  const plan = opts.smoke ? SMOKE : FULL;
  const disk = opts.disk ?? 'memfs';
  const tickCost: TickCostResult[] = [];
  for (const n of plan.oneWorkerNodes) {
    progress(`host: tick cost and heap, 1 worker, ${n} nodes (${disk})…`);
    tickCost.push(await runTickCost(n, plan, disk, progress));
  }
  const twoWorkers: TwoWorkerResult[] = [];
  for (const n of plan.twoWorkerNodes) {
    progress(`host: 2 workers, ${n} nodes in total (${disk})…`);
    twoWorkers.push(await runTwoWorkers(n, plan, disk, progress));
  }
  return {
    schema: 'raftrace.bench.host/1',
    mode: opts.smoke ? 'smoke' : 'full',
    machine: machineFacts(),
    disk,
    repeats: plan.repeats,
    ticksPerRepeat: { oneWorker: plan.oneWorkerTicks, twoWorkers: plan.twoWorkerTicks },
    tickCost,
    twoWorkers,
    targets: targetsOf(tickCost, twoWorkers),
    wallSeconds: (performance.now() - t0) / 1000,
  };
}

const f = (x: number, d = 1): string => (Number.isFinite(x) ? x.toFixed(d) : '∞');
const k = (x: number): string => `${f(x / 1000, 1)}k`;
const kib = (bytes: number): string => `${f(bytes / 1024, 2)} KiB`;
const mib = (bytes: number): string => `${f(bytes / 2 ** 20, 1)} MiB`;
const spread = (s: Summary, fmt: (x: number) => string): string => `${fmt(s.min)}–${fmt(s.max)}`;

/** The host figures as a Markdown section (### headings, tables), ready to append to a report. */
export function renderHostMarkdown(r: HostBenchResult): string {
  const store = r.disk === 'fs' ? 'FsDisk on a temp run store' : 'MemDisk (one volume per worker)';
  const L: string[] = [];
  L.push(
    '### Host: one tick over N nodes in one worker',
    '',
    `R3 groups on 3 servers, every replica in one worker (all traffic local), \`cas\` creation, ${store}, no load: steady state is the leaders' heartbeats (every 10 ticks) and their answers. ` +
      `Ticks driven by hand; tick ms is one \`tickAll()\` alone (local deliveries included). ${r.repeats} repeats of ${r.ticksPerRepeat.oneWorker} ticks; spread = min–max of the per-repeat medians. ` +
      'Implied ticks/s = 1000 / median tick ms; NATS runs 10 ticks/s, hence the × real-time factor. Loop ticks/s is what the bench loop achieved with I/O settling and yields.',
    '',
    '| nodes | tick ms median | spread | p99 | max | implied ticks/s | × NATS real time | loop ticks/s | heap / idle node | memfs volume / node | ticks to all leaders | populate s |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  );
  for (const t of r.tickCost) {
    L.push(
      `| ${t.nodes} | ${f(t.tickMs.medianMs, 2)} | ${spread(t.tickMsMedianPerRepeat, (x) => f(x, 2))} | ${f(t.tickMs.p99Ms, 2)} | ${f(t.tickMs.maxMs, 2)} | ${f(t.impliedTicksPerSec, 0)} | ${f(t.impliedNatsSpeedup, 1)}× | ${f(t.loopTicksPerSec.median, 0)} | ${f(t.heap.perNodeIdleBytes, 0)} B | ${r.disk === 'memfs' ? `${f(t.heap.perNodeStoreBytes, 0)} B` : '–'} | ${t.ticksToAllLeaders} | ${f(t.populateWallMs / 1000, 1)} |`,
    );
  }
  L.push(
    '',
    '### Host: two workers, a MessageChannel between them',
    '',
    `Each group's replicas split over both workers (worker = (group + server) mod 2), so heartbeats and answers cross the channel. Both workers tick in lockstep batches of ${BATCH_TICKS}, as fast as they can; ${r.repeats} repeats of ${r.ticksPerRepeat.twoWorkers} ticks. ` +
      'Messages/s are per wall second (cross-channel: wire messages received from the other worker, both directions; all: every delivery to an instance, local ones included); spread = min–max over repeats. ' +
      'Busy ms/tick adds the time spent delivering the other worker\'s batches, which happens outside `tickAll()`.',
    '',
    '| nodes total | per worker | heap / idle node | host heap per worker | tick ms median (w0 / w1) | p99 (w0 / w1) | busy ms/tick (w0 / w1) | cross-channel msgs/s median | spread | all deliveries/s | loop ticks/s | dropped |',
    '|---:|---|---:|---|---|---|---|---:|---:|---:|---:|---:|',
  );
  for (const t of r.twoWorkers) {
    const w = t.tickMsPerWorker;
    L.push(
      `| ${t.nodesTotal} | ${t.nodesPerWorker.join(' / ')} | ${f(t.heapPerIdleNodeBytes, 0)} B | ${t.heapHostOnlyPerWorkerBytes.map(mib).join(' / ')} | ${w.map((x) => f(x.medianMs, 2)).join(' / ')} | ${w.map((x) => f(x.p99Ms, 2)).join(' / ')} | ${t.busyMsPerTickPerWorker.map((x) => f(x, 2)).join(' / ')} | ${k(t.crossMessagesPerSec.median)} | ${spread(t.crossMessagesPerSec, k)} | ${k(t.deliveredPerSec.median)} | ${f(t.loopTicksPerSec.median, 0)} | ${t.droppedInWindows} |`,
    );
  }
  L.push('', '### Host targets', '', '| target | measured | goal | met |', '|---|---|---|---|');
  for (const t of r.targets) L.push(`| ${t.description} | ${t.measured} | ${t.goal} | ${t.met === null ? 'n/a' : t.met ? 'yes' : '**no**'} |`);
  L.push(
    '',
    `Heap is heapUsed after two full GCs in a fresh worker isolate per run: host in steady state minus the empty host, divided by nodes${r.disk === 'memfs' ? ', measured after dropping the memfs volume (its own share is the "memfs volume / node" column)' : ''}. ` +
      `Per idle node, one worker: ${r.tickCost.map((t) => `${t.nodes}: ${kib(t.heap.perNodeIdleBytes)}`).join(', ')}.`,
  );
  return L.join('\n');
}
