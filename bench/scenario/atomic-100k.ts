// Leak-freedom of the atomic strategies over many creation requests, cheaply, for one workload:
//   node dist/bench/scenario/atomic-100k.js <synthetic|restart> <requests> <minutes> <out.json> [groupsPerRun] [seedBase]
// First a racy control run on the same configuration (it must leak, or the configuration does not
// exercise the race and the atomic count proves nothing), then locked, inflight and cas in turn
// (seeds seedBase, seedBase+1, ...; default 3000, the control seedBase-1; a second command with
// another seedBase adds runs that are not repeats of the first) until <requests> creation requests were made or <minutes> passed. The
// JSON is rewritten after every run, so a bounded or interrupted run keeps its partial count.
// Exit 3 if any atomic run had a duplicate, a leak, a Raft safety violation or a forbidden verdict;
// 4 if the racy control did not leak or a run was a harness failure; 0 otherwise.
//
// Why this configuration is faithful and cheap: the race needs callers inside one another's
// check-to-register window, not a slow disk. Every creator of a (server, group) starts at once
// (spread 0.5 ms), 3 per replica under the synthetic workload, 3 restart callers per stopped node
// under the restart workload, on 2 real worker threads sharing a real fs store; NATS's 14-op
// window is kept, only the injected latency (light preset, 0–0.2 ms per op), the CPU busy-spin and
// the Raft entry load are dropped, and Raft runs at 100 ms per NATS second. Many groups per run
// (default 400, 64 in flight) amortise the pool start. The racy control (60 groups) shows the
// window is still wide enough to race.
import { writeFileSync } from 'node:fs';
import { ATOMIC_STRATEGIES, type StrategyName } from '../../src/create/index.js';
import { buildConfig } from '../../src/scenario/config.js';
import type { ScenarioResult } from '../../src/scenario/result.js';
import { runScenario } from '../../src/scenario/run.js';

const [workloadArg, requestsArg, minutesArg, outPath, groupsArg, seedBaseArg] = process.argv.slice(2);
const seedBase = seedBaseArg === undefined ? 3000 : Number(seedBaseArg);
if (!Number.isInteger(seedBase) || seedBase < 1 || seedBase > 1e9) fail('seedBase: must be an integer in 1..1e9');
function fail(msg: string): never {
  console.error(`raftrace: ${msg}`);
  process.exit(2);
}
if (workloadArg !== 'synthetic' && workloadArg !== 'restart') fail('workload: must be synthetic or restart');
const workload = workloadArg;
const requestsTarget = Number(requestsArg);
const minutes = Number(minutesArg);
const groups = groupsArg === undefined ? 400 : Number(groupsArg);
if (!Number.isInteger(requestsTarget) || requestsTarget < 1) fail('requests: must be a positive integer');
if (!Number.isFinite(minutes) || minutes <= 0 || minutes > 600) fail('minutes: must be a number in (0, 600]');
if (!Number.isInteger(groups) || groups < 1 || groups > 4096) fail('groupsPerRun: must be an integer in [1, 4096]');
if (outPath === undefined || outPath === '') fail('out.json: a path is required');

/** The racy control only has to show the race: its duplicates tick as orphans and make it slow. */
const CONTROL_GROUPS = 60;
const config = (strategy: StrategyName, seed: number): ReturnType<typeof buildConfig> =>
  buildConfig({
    strategy, seed, workload, groups, concurrency: 64, workers: 2, disk: 'fs', callersPerCreate: 3, callerSpreadMs: 0.5,
    diskLatencyMinMs: 0, diskLatencyMaxMs: 0.2, cpuBusyShare: 0, entriesPerSecondPerGroup: 0, observeNatsSeconds: 0,
    // Raft at 1 NATS s = 100 ms (a tick every 10 ms, not every 1 ms): elections and heartbeats are
    // not what races; the creators are. Ten times less ticking CPU for the same interleavings.
    timeScaleMs: 100,
    ...(strategy === 'racy' ? { groups: Math.min(groups, CONTROL_GROUPS) } : {}),
  });

interface RunLine {
  readonly strategy: StrategyName;
  readonly seed: number;
  readonly requests: number;
  readonly duplicates: number;
  readonly orphansAtEnd: number;
  readonly orphansSeenDuringRun: number;
  readonly raftSafetyViolations: number;
  readonly verdict: string;
  readonly harnessFailure: string | null;
  readonly wallSeconds: number;
}
const line = (r: ScenarioResult): RunLine => ({
  strategy: r.strategy, seed: r.seed, requests: r.counts.createRequests, duplicates: r.counts.duplicates, orphansAtEnd: r.leaks.orphansAtEnd,
  orphansSeenDuringRun: r.leaks.orphansSeenDuringRun, raftSafetyViolations: r.counts.raftSafetyViolations ?? 0, verdict: r.verdict.outcome,
  harnessFailure: r.harnessFailure, wallSeconds: r.wallSeconds,
});
const badAtomic = (l: RunLine): boolean => l.duplicates > 0 || l.orphansAtEnd > 0 || l.orphansSeenDuringRun > 0 || l.raftSafetyViolations > 0 || l.verdict === 'forbidden';

const t0 = Date.now();
const runs: RunLine[] = [];
let control: RunLine | null = null;
function write(done: boolean): Record<string, unknown> {
  const atomic = runs.filter((r) => r.strategy !== 'racy');
  const out = {
    workload, groupsPerRun: groups, done, minutesBudget: minutes, elapsedSeconds: Math.round((Date.now() - t0) / 1000),
    config: { ...config('cas', 0), strategy: 'per run', seed: 'per run' },
    racyControl: control,
    atomicRuns: atomic.length,
    atomicCreateRequests: atomic.reduce((n, r) => n + r.requests, 0),
    perStrategy: Object.fromEntries(ATOMIC_STRATEGIES.map((s) => [s, { runs: atomic.filter((r) => r.strategy === s).length, requests: atomic.filter((r) => r.strategy === s).reduce((n, r) => n + r.requests, 0) }])),
    atomicRunsBad: atomic.filter(badAtomic).map((r) => `${r.strategy} seed ${r.seed}`),
    harnessFailures: runs.filter((r) => r.harnessFailure !== null).map((r) => `${r.strategy} seed ${r.seed}: ${r.harnessFailure}`),
    runs,
  };
  writeFileSync(outPath!, JSON.stringify(out, null, 2));
  return out;
}

const controlResult = await runScenario(config('racy', seedBase - 1));
control = line(controlResult);
runs.push(control);
console.log(`racy control (seed ${seedBase - 1}): ${control.requests} requests, ${control.duplicates} duplicates, ${control.orphansAtEnd} orphans at end, ${control.wallSeconds.toFixed(1)} s`);
write(false);
let requests = 0;
for (let i = 0; requests < requestsTarget && Date.now() - t0 < minutes * 60_000; i++) {
  const strategy = ATOMIC_STRATEGIES[i % ATOMIC_STRATEGIES.length]!;
  const l = line(await runScenario(config(strategy, seedBase + i)));
  runs.push(l);
  requests += l.requests;
  console.log(`${strategy.padEnd(8)} seed ${l.seed}: ${l.requests} requests (${requests} in all), dup ${l.duplicates}, orphans ${l.orphansAtEnd}/${l.orphansSeenDuringRun}, safety ${l.raftSafetyViolations}, ${l.verdict}${l.harnessFailure ? ` — ${l.harnessFailure}` : ''}, ${l.wallSeconds.toFixed(1)} s`);
  write(false);
}
const out = write(requests >= requestsTarget);
console.log(JSON.stringify({ ...out, runs: undefined }, null, 1));
if ((out.atomicRunsBad as string[]).length > 0) process.exitCode = 3;
else if (control.orphansAtEnd === 0 || (out.harnessFailures as string[]).length > 0) process.exitCode = 4;
