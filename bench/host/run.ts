/**
 * Host figures (issue #10): what one tick costs over many hosted Raft nodes, with the timer-wheel
 * tick ('due') beside the former every-node tick ('every') measured in the same run on the same
 * code; heap per idle node; messages/s between two workers; 1M nodes across 2 workers; and tick
 * cost at 10k / 100k / 1M nodes with the same number of due timers per tick.
 *
 * Disk: MemDisk by default for the 10k–100k cases (steady state does no disk I/O: heartbeats write
 * nothing; the volume's heap share is reported separately, see swappable-disk.ts). The 1M and
 * scaling cases use NullDisk (every create still runs NATS's window op for op, but nothing is
 * kept): a memfs volume for 1M nodes would hold several GiB of heap and measure memfs, not the host.
 */
import { NATS_TIMING, type RaftTiming } from '../../src/raft/config.js';
import { summarize } from '../../src/scenario/stats.js';
import { machineFacts, type MachineFacts } from '../../src/scenario/machine.js';
import { openCase, runCase, type BenchDisk, type CaseResult, type CasePlan, type OpenCase, type TickMode, type Variant } from './measure.js';

export type HostSection = 'one' | 'two' | 'million' | 'scaling';
export const HOST_SECTIONS: readonly HostSection[] = ['one', 'two', 'million', 'scaling'];

export interface HostBenchOptions {
  readonly smoke: boolean;
  /** Store backend of the 10k–100k cases; default 'memfs' ('null': stores nothing, fastest populate). */
  readonly disk?: BenchDisk;
  /** Which sections to run; default all. */
  readonly sections?: readonly HostSection[];
  /** Tick modes of the one- and two-worker sections; default all three ('every', 'unparked', then 'due'). */
  readonly modes?: readonly TickMode[];
}

export interface HostTargetCheck {
  readonly description: string;
  readonly measured: string;
  readonly goal: string;
  /** null: not measured in this run (smoke, or the section was skipped). */
  readonly met: boolean | null;
}

export interface HostBenchResult {
  readonly schema: 'raftrace.bench.host/2';
  readonly mode: 'smoke' | 'full';
  readonly machine: MachineFacts;
  readonly disk: BenchDisk;
  /** One worker, NATS timing: 'every' and 'due' at each size. */
  readonly oneWorker: readonly CaseResult[];
  /** Two workers, NATS timing: 'every' and 'due'. */
  readonly twoWorkers: readonly CaseResult[];
  /** 1M nodes (smoke: fewer) across two workers, 'due', NullDisk. */
  readonly million: readonly CaseResult[];
  /** One worker, the same due timers per tick at every size (heartbeat period scaled with N), NullDisk. */
  readonly scaling: readonly CaseResult[];
  /** The scaling section's rounds: in each, every size ran one window in turn (its median tick, ms). */
  readonly scalingRounds: readonly ScalingRound[];
  readonly targets: readonly HostTargetCheck[];
  /** Cases that failed (each names the case and the error); the others still report. */
  readonly failures: readonly string[];
  readonly wallSeconds: number;
}

export interface ScalingRound {
  readonly tickMode: TickMode;
  /** Sizes in the order they ran, smallest first. */
  readonly nodes: readonly number[];
  /** Per size, worker 0's median tick in this round's window (ms). */
  readonly medianMs: readonly number[];
}

interface Plan {
  readonly oneWorkerNodes: readonly number[];
  readonly twoWorkerNodes: readonly number[];
  readonly millionNodes: number;
  readonly scalingNodes: readonly number[];
  /** Sizes at which the scaling section also runs 'every' for contrast. */
  readonly scalingEveryNodes: readonly number[];
  /** Rounds of the scaling section (one window per size each). */
  readonly scalingRounds: number;
  readonly repeats: number;
}

const FULL: Plan = { oneWorkerNodes: [10_000, 100_000], twoWorkerNodes: [100_000], millionNodes: 1_000_000, scalingNodes: [10_000, 100_000, 1_000_000], scalingEveryNodes: [10_000, 100_000], scalingRounds: 9, repeats: 3 };
const SMOKE: Plan = { oneWorkerNodes: [10_000], twoWorkerNodes: [10_000], millionNodes: 30_000, scalingNodes: [10_000, 30_000], scalingEveryNodes: [10_000], scalingRounds: 3, repeats: 3 };

/** The scaling section's base: NATS timing at 10k nodes; at N nodes every period is N/10k times longer. */
const SCALING_BASE_NODES = 10_000;

/** NATS timing with every period stretched `f` times (heartbeat 10·f ticks, election 40·f–90·f, lost quorum 100·f). */
export function stretchedTiming(f: number): RaftTiming {
  const t = NATS_TIMING;
  return Object.freeze({
    electionTimeoutMinTicks: t.electionTimeoutMinTicks * f, electionTimeoutMaxTicks: t.electionTimeoutMaxTicks * f,
    heartbeatTicks: t.heartbeatTicks * f, campaignMinTicks: t.campaignMinTicks, campaignMaxTicks: t.campaignMaxTicks,
    lostQuorumTicks: t.lostQuorumTicks * f,
  });
}

const variant = (tickMode: TickMode, disk: BenchDisk, timing: RaftTiming = NATS_TIMING, spreadTicks = 0): Variant => ({ tickMode, disk, timing, spreadTicks });

/** Warm-up before the measured windows, in heartbeat periods (NATS timing: 20 ticks). */
const WARMUP_PERIODS = 2;

/** Every NATS-timing case populates in one wave per heartbeat tick (see render.ts: phases even). */
const NATS_WAVES = NATS_TIMING.heartbeatTicks;

/** Runs the host figures; `progress` gets one line per step (default: stderr). */
export async function runHostBench(opts: HostBenchOptions, progress: (line: string) => void = (l) => process.stderr.write(`${l}\n`)): Promise<HostBenchResult> {
  const t0 = performance.now();
  const plan = opts.smoke ? SMOKE : FULL;
  const disk = opts.disk ?? 'memfs';
  const want = new Set(opts.sections ?? HOST_SECTIONS);
  const r = plan.repeats;
  const modes = opts.modes ?? (['every', 'unparked', 'due'] as const);
  const oneWorker: CaseResult[] = [];
  const twoWorkers: CaseResult[] = [];
  const million: CaseResult[] = [];
  const scaling: CaseResult[] = [];
  const failures: string[] = [];
  /** One case; a failure is recorded and the run goes on (a 1M case must not cost the others' figures). */
  const attempt = async (name: string, into: CaseResult[], run: () => Promise<CaseResult>): Promise<void> => {
    try {
      into.push(await run());
    } catch (e) {
      failures.push(`${name}: ${e instanceof Error ? e.message : String(e)}`);
      progress(`  FAILED ${name}: ${e instanceof Error ? e.message : String(e)}`);
    }
  };
  for (const nodes of want.has('one') ? plan.oneWorkerNodes : []) {
    for (const mode of modes) {
      progress(`host: 1 worker, ${nodes} nodes, tick ${mode} (${disk})…`);
      await attempt(`1 worker ${nodes} ${mode}`, oneWorker, () => runCase({ nodes, workers: 1, repeats: r, ticksPerRepeat: 100, warmupTicks: 20 }, variant(mode, disk, NATS_TIMING, NATS_WAVES), progress));
    }
  }
  for (const nodes of want.has('two') ? plan.twoWorkerNodes : []) {
    for (const mode of modes) {
      progress(`host: 2 workers, ${nodes} nodes, tick ${mode} (${disk})…`);
      await attempt(`2 workers ${nodes} ${mode}`, twoWorkers, () => runCase({ nodes, workers: 2, repeats: r, ticksPerRepeat: 50, warmupTicks: 20 }, variant(mode, disk, NATS_TIMING, NATS_WAVES), progress));
    }
  }
  if (want.has('million')) {
    progress(`host: 2 workers, ${plan.millionNodes} nodes, tick due (null disk)…`);
    await attempt(`2 workers ${plan.millionNodes} due`, million, () => runCase({ nodes: plan.millionNodes, workers: 2, repeats: r, ticksPerRepeat: 30, warmupTicks: 20 }, variant('due', 'null', NATS_TIMING, NATS_WAVES), progress));
  }
  const scalingRounds: ScalingRound[] = [];
  // `every` only where it finishes in reasonable time; --modes picks among the rest too.
  for (const mode of want.has('scaling') ? (opts.modes ?? (['every', 'due'] as const)) : []) {
    const sizes = plan.scalingNodes.filter((n) => mode !== 'every' || plan.scalingEveryNodes.includes(n));
    const open: OpenCase[] = [];
    try {
      for (const nodes of sizes) {
        const timing = stretchedTiming(Math.max(1, Math.round(nodes / SCALING_BASE_NODES)));
        progress(`host: scaling, 1 worker, ${nodes} nodes, heartbeat every ${timing.heartbeatTicks} ticks, tick ${mode} (null disk)…`);
        // Warm-up in heartbeat periods, as the NATS-timing cases' 20 ticks are: a group parks only
        // after its leader's first heartbeats settled its followers' logs and commit indexes, so a
        // warm-up of fixed ticks measured 1M nodes (1,000-tick periods) before their first heartbeat.
        const p: CasePlan = { nodes, workers: 1, repeats: plan.scalingRounds, ticksPerRepeat: 50, warmupTicks: WARMUP_PERIODS * timing.heartbeatTicks };
        try {
          open.push(await openCase(p, variant(mode, 'null', timing, timing.heartbeatTicks), progress));
        } catch (e) {
          failures.push(`scaling ${nodes} ${mode}: ${e instanceof Error ? e.message : String(e)}`);
          progress(`  FAILED scaling ${nodes} ${mode}: ${e instanceof Error ? e.message : String(e)}`);
        }
      }
      // The sizes take turns, one window each per round: a ratio between sizes is taken within a
      // round, so this machine's drift (±50% between runs minutes apart) falls on both sides of it.
      for (let round = 0; round < plan.scalingRounds && open.length > 0; round++) {
        const medianMs: number[] = [];
        for (const c of open) medianMs.push(await c.window());
        scalingRounds.push({ tickMode: mode, nodes: open.map((c) => c.plan.nodes), medianMs });
        progress(`  round ${round + 1}: ${medianMs.map((x) => x.toFixed(2)).join(' / ')} ms`);
      }
      for (const c of open) await attempt(`scaling ${c.plan.nodes} ${mode}`, scaling, () => c.finish());
    } finally {
      for (const c of open) await c.close();
    }
  }
  return {
    schema: 'raftrace.bench.host/2', mode: opts.smoke ? 'smoke' : 'full', machine: machineFacts(), disk,
    oneWorker, twoWorkers, million, scaling, scalingRounds,
    targets: targetsOf(oneWorker, twoWorkers, million, scaling, scalingRounds),
    failures,
    wallSeconds: (performance.now() - t0) / 1000,
  };
}

const TICK_100K_TARGET_MS = 5;
const MILLION_HEAP_TARGET_BYTES = 1536;
const MILLION_POPULATE_TARGET_MS = 60_000;
const MILLION_TICK_TARGET_MS = 50;
/** "Grows with due timers, not nodes": the largest size's median tick within this factor of the smallest's. */
const SCALING_FACTOR_MAX = 2;
const CROSS_SPEEDUP_MIN = 2;
const BIG = 100_000;

const pick = (rs: readonly CaseResult[], mode: TickMode, minNodes: number): CaseResult | undefined => rs.find((c) => c.tickMode === mode && c.nodesTotal >= minNodes * 0.99);
const med = (c: CaseResult): number => c.tickMsPerWorker[0]!.medianMs;
const cpu = (c: CaseResult): string => c.tickCpuMsMeanPerWorker.map((x) => x.toFixed(2)).join(' / ');

function targetsOf(one: readonly CaseResult[], two: readonly CaseResult[], million: readonly CaseResult[], scaling: readonly CaseResult[], rounds: readonly ScalingRound[]): HostTargetCheck[] {
  const out: HostTargetCheck[] = [];
  const d1 = pick(one, 'due', BIG);
  const e1 = pick(one, 'every', BIG);
  out.push({
    description: 'one tick over 100k nodes in one worker, steady state (median)',
    measured: d1 ? `${med(d1).toFixed(2)} ms due-only (CPU mean ${cpu(d1)} ms)${e1 ? ` vs ${med(e1).toFixed(2)} ms every-node (same run)` : ''}` : 'not measured',
    goal: `< ${TICK_100K_TARGET_MS} ms`,
    met: d1 ? med(d1) < TICK_100K_TARGET_MS && d1.leadersAfter === d1.groups : null,
  });
  const m = million.find((c) => c.nodesTotal >= 990_000);
  out.push({
    description: '1M nodes across 2 workers: heap per idle node, populate time, tick median per worker',
    measured: m ? `${m.heapPerIdleNodeBytes.toFixed(0)} B/node, populated in ${(m.populateWallMs / 1000).toFixed(1)} s, tick ${m.tickMsPerWorker.map((x) => x.medianMs.toFixed(2)).join(' / ')} ms (CPU mean ${cpu(m)} ms)` : 'not measured',
    goal: `< ${MILLION_HEAP_TARGET_BYTES} B, < ${MILLION_POPULATE_TARGET_MS / 1000} s, < ${MILLION_TICK_TARGET_MS} ms`,
    met: m ? m.heapPerIdleNodeBytes < MILLION_HEAP_TARGET_BYTES && m.populateWallMs < MILLION_POPULATE_TARGET_MS && m.tickMsPerWorker.every((x) => x.medianMs < MILLION_TICK_TARGET_MS) && m.leadersAfter === m.groups : null,
  });
  const sd = scaling.filter((c) => c.tickMode === 'due').sort((a, b) => a.nodesTotal - b.nodesTotal);
  const lo = sd[0];
  const hi = sd[sd.length - 1];
  // Per round, largest ÷ smallest size's median tick (both windows of one round, minutes apart at most).
  const ratios = rounds.filter((x) => x.tickMode === 'due' && x.nodes.length > 1).map((x) => x.medianMs[x.medianMs.length - 1]! / Math.max(x.medianMs[0]!, 0.05));
  const ratio = ratios.length > 0 ? summarize(ratios) : null;
  const held = ratios.filter((x) => x <= SCALING_FACTOR_MAX).length;
  out.push({
    description: `tick cost with the same due timers per tick, ${sd.map((c) => `${c.nodesTotal / 1000}k`).join(' / ')} nodes`,
    measured: sd.length > 1 && ratio
      ? `${sd.map((c) => `${med(c).toFixed(2)} ms`).join(' / ')} (${sd.map((c) => c.nodesTickedPerTick.toFixed(0)).join(' / ')} due/tick, parked share ${sd.map((c) => c.parkedShare.toFixed(2)).join(' / ')}); ` +
        `largest ÷ smallest per round: median ${ratio.median.toFixed(2)}× [${ratio.min.toFixed(2)}, ${ratio.max.toFixed(2)}], ≤ ${SCALING_FACTOR_MAX}× in ${held} of ${ratios.length} rounds`
      : 'not measured',
    goal: `largest ≤ ${SCALING_FACTOR_MAX}× smallest, median over rounds (${lo && hi ? `${(hi.nodesTotal / lo.nodesTotal).toFixed(0)}× the nodes` : 'n/a'})`,
    met: lo && hi && ratio && hi.nodesTotal >= lo.nodesTotal * 50 ? ratio.median <= SCALING_FACTOR_MAX : null,
  });
  const d2 = pick(two, 'due', BIG);
  const e2 = pick(two, 'every', BIG);
  out.push({
    description: 'cross-worker messages/s at 100k nodes (2 workers)',
    measured: d2 && e2 ? `${(d2.crossMessagesPerSec.median / 1000).toFixed(0)}k/s due-only vs ${(e2.crossMessagesPerSec.median / 1000).toFixed(0)}k/s every-node (same run)` : 'not measured',
    goal: `≥ ${CROSS_SPEEDUP_MIN}× the every-node figure`,
    met: d2 && e2 ? d2.crossMessagesPerSec.median >= CROSS_SPEEDUP_MIN * e2.crossMessagesPerSec.median : null,
  });
  return out;
}

export { renderHostMarkdown } from './render.js';
