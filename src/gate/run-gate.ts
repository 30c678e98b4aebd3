import { loadavg } from 'node:os';
import { machineFacts } from '../scenario/machine.js';
import { prepareCommit, prepareWorkingTree, shareHarness, type PreparedSide } from './checkout.js';
import { acceptedRegressions, git } from './git.js';
import { runBenchProcess } from './process.js';
import { benchmarkReport, countVerdicts, GATE_SCHEMA_ID, medianOf, type BenchmarkReport, type GateResult } from './result.js';
import { runRounds, type RoundsResult } from './rounds.js';
import { gateStatus } from './status.js';
import { aaShowsDifference, type GateSettings } from './verdict.js';

export interface GateOptions {
  readonly repo: string;
  readonly base: { readonly ref: string; readonly commit: string; readonly why: string };
  /** null: the working tree. */
  readonly head: { readonly ref: string; readonly commit: string } | null;
  readonly headDirty: boolean;
  readonly suite: 'quick' | 'full';
  readonly initialRounds: number;
  readonly maxRounds: number;
  readonly settings: GateSettings;
  readonly strict: boolean;
  /** Only these benchmarks (exact names), when given. */
  readonly only: readonly string[] | null;
}

interface Spec {
  name: string;
  unit: string;
  description: string;
}

/**
 * The gate end to end: prepare both sides (worktree + build for a commit, in-place build for the
 * working tree), share the head's harness, run the interleaved rounds, judge. Every temp worktree is
 * removed before this returns or throws, including after an abort.
 */
export async function runGate(o: GateOptions, signal: AbortSignal, progress: (line: string) => void): Promise<GateResult> {
  const started = new Date();
  const t0 = performance.now();
  const load = loadavg()[0] ?? 0;
  const cleanups: PreparedSide[] = [];
  let rounds: RoundsResult | null = null;
  let specs: Spec[] = [];
  let harnessFailure: string | null = null;
  let prep = { base: { nodeModules: 'not prepared', build: 'not prepared' }, head: { nodeModules: 'not prepared', build: 'not prepared' } };
  const accepted = await acceptedRegressions(o.repo, o.base.commit, o.head?.commit ?? 'HEAD');
  try {
    progress(`head: ${o.head === null ? 'building the working tree' : `checking out and building ${o.head.ref}`}…`);
    const head = o.head === null ? await prepareWorkingTree(o.repo) : await prepareCommit(o.repo, o.head.commit, o.repo, 'head');
    cleanups.push(head);
    progress(`base: checking out ${o.base.commit.slice(0, 10)} (${o.base.why}) in a temp worktree…`);
    const base = await prepareCommit(o.repo, o.base.commit, head.root, 'base', true);
    cleanups.push(base);
    progress(`base: node_modules ${base.nodeModules}, build ${base.build}`);
    prep = { base: { nodeModules: base.nodeModules, build: base.build }, head: { nodeModules: head.nodeModules, build: head.build } };
    await shareHarness(head.root, base.root);
    specs = JSON.parse(await runBenchProcess(head.root, ['--list', o.suite], signal, 'listing the suite')) as Spec[];
    if (o.only !== null) specs = specs.filter((s) => o.only!.includes(s.name));
    progress(`suite ${o.suite}: ${specs.length} benchmarks, ${o.initialRounds}–${o.maxRounds} rounds of 4 processes each`);
    rounds = await runRounds({ base: base.root, head: head.root }, specs.map((s) => s.name), { initialRounds: o.initialRounds, maxRounds: o.maxRounds }, o.settings, accepted, signal, progress);
  } catch (e) {
    if (!signal.aborted) harnessFailure = e instanceof Error ? e.message.split('\n')[0]! : String(e);
  } finally {
    for (const c of cleanups.reverse()) await c.cleanup();
  }
  const notJudged = rounds === null ? [] : [...rounds.unavailableOnBase].map(([name, reason]) => ({ name, reason }));
  const benchmarks: BenchmarkReport[] = rounds === null ? [] : specs.filter((s) => rounds.judgements.has(s.name) && !rounds.unavailableOnBase.has(s.name)).map((s) => benchmarkReport(s, rounds.rounds.get(s.name)!, rounds.judgements.get(s.name)!, rounds.extendedFor.includes(s.name)));
  const correctness = rounds?.correctness ?? [];
  const forbidden = correctness.some((c) => c.outcome === 'forbidden');
  const aaDiff = rounds === null ? [] : aaShowsDifference(rounds.judgements, o.settings.alpha);
  const counts = countVerdicts(benchmarks);
  const { status, headline } = gateStatus({ interrupted: signal.aborted, harnessFailure, forbidden, aaShowsDifference: aaDiff, counts });
  const headCommit = o.head?.commit ?? (await git(o.repo, ['rev-parse', 'HEAD']).catch(() => null));
  return {
    schema: GATE_SCHEMA_ID,
    status,
    exitCode: -1,
    headline,
    partial: signal.aborted || harnessFailure !== null,
    startedAt: started.toISOString(),
    wallSeconds: (performance.now() - t0) / 1000,
    environment: { ...machineFacts(), loadAverage1m: load, ci: process.env.CI === 'true' },
    refs: { base: o.base, head: { ref: o.head?.ref ?? 'working tree', commit: o.head === null ? null : headCommit, dirty: o.headDirty } },
    config: { ...o.settings, suite: o.suite, initialRounds: o.initialRounds, maxRounds: o.maxRounds, strict: o.strict },
    preparation: { ...prep, harness: 'head' },
    calibration: { aaShowsDifference: aaDiff, medianAaNoisePct: medianOf(benchmarks.flatMap((b) => (b.aa.noisePct === null ? [] : [b.aa.noisePct]))) },
    benchmarks,
    notJudged,
    correctness: { forbidden, records: correctness },
    counts,
    processes: rounds?.processes ?? 0,
    harnessFailure,
  };
}
