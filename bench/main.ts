import { Command, InvalidArgumentError, Option } from 'commander';
import { join } from 'node:path';
import { writeFileAtomic } from '../src/scenario/atomic-write.js';
import { machineFacts } from '../src/scenario/machine.js';
import { cpus } from 'node:os';
import { runOrphanRateExperiment, runThroughputExperiment, detectionStats } from './scenario/experiments.js';
import { runMatrix } from './scenario/matrix.js';
import { renderSoak, runSoak } from './scenario/soak.js';
import { renderExperiments, renderMatrix, renderTargets, renderVerdicts } from './scenario/render.js';
import { scenarioTargets } from './scenario/targets.js';
import { runMultiThreadMicro } from './micro/multi-thread.js';
import { renderMicroMarkdown } from './micro/render.js';
import { runSingleThreadMicro } from './micro/single-thread.js';
import { microTargets } from './micro/targets.js';
import { renderHostMarkdown, runHostBench } from './host/run.js';

/** Exit codes shared with the CLI: 0 ok, 2 bad input, 3 forbidden outcome, 4 harness failure, 130 interrupted. */
const EXIT = { ok: 0, badInput: 2, forbidden: 3, harness: 4, interrupted: 130 } as const;

function positiveInt(field: string) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`${field} must be a positive integer, got ${JSON.stringify(v)}`);
    return n;
  };
}

const program = new Command('npm run bench --')
  .description(
    'raftrace benchmarks: the four creation strategies compared on a churn matrix (2 creation-pressure × 2 load levels),\n' +
      'a creation-throughput and an orphan-rate experiment, and micro benchmarks of the shared-memory registry.\n' +
      'Writes <out>/latest.json and <out>/latest.md. Exit codes: 0 ok, 2 bad input, 3 forbidden outcome (a duplicate or\n' +
      'leak under locked/inflight/cas), 4 harness failure, 130 interrupted.',
  )
  .option('--smoke', 'short run for CI (under a minute)', false)
  .option('--soak', 'only the long correctness soak: racy detection rate and 100,000+ atomic creations (writes <out>/soak.{json,md})', false)
  .option('--out <dir>', 'report directory', 'reports')
  .option('--repeats <n>', 'interleaved repeats of every matrix cell (default 3, smoke 1; with --soak: racy runs, default 40)', positiveInt('--repeats'))
  .option('--groups <n>', 'groups per matrix run (default 100, smoke 12; with --soak 300)', positiveInt('--groups'))
  .option('--seed <n>', 'base seed (repeat r uses seed + r)', positiveInt('--seed'), 1)
  .option('--micro-repeats <n>', 'interleaved repeats of every multi-thread micro configuration (default 3, smoke 1)', positiveInt('--micro-repeats'))
  .option('--micro-ops <n>', 'operations per thread in each multi-thread micro run (default 50000, smoke 3000)', positiveInt('--micro-ops'))
  .addOption(new Option('--skip <phases...>', 'phases to skip').choices(['micro', 'host', 'matrix', 'experiments']))
  .exitOverride((e) => process.exit(e.exitCode === 0 ? EXIT.ok : EXIT.badInput))
  .parse(process.argv);

const opts = program.opts<{
  smoke: boolean; soak: boolean; out: string; repeats?: number; groups?: number; seed: number; skip?: string[]; microRepeats?: number; microOps?: number;
}>();
const skip = new Set(opts.skip ?? []);
const abort = new AbortController();
process.on('SIGINT', () => {
  if (abort.signal.aborted) process.exit(EXIT.interrupted);
  console.error('\ninterrupted: finishing the current run, then writing a partial report (Ctrl-C again to quit now)');
  abort.abort();
});

async function soak(): Promise<number> {
  const started = new Date();
  const machine = machineFacts();
  const workers = Math.max(2, cpus().length);
  const groups = opts.groups ?? 300;
  console.log(`raftrace soak · ${machine.cores} cores · Node ${machine.node} · seed ${opts.seed} · ${groups} groups per run`);
  let n = 0;
  const s = await runSoak({
    racyRuns: opts.repeats ?? 40, atomicCreateRequests: 100_000, groups, workers, seed: opts.seed, signal: abort.signal,
    onRun: (r) => console.log(`  [${++n}] ${r.strategy.padEnd(8)} seed ${r.seed}: ${r.counts.createRequests} requests, dup ${r.counts.duplicates}, orphans ${r.leaks.orphansAtEnd} — ${r.verdict.outcome}`),
  });
  const wallSeconds = (Date.now() - started.getTime()) / 1000;
  const md = `# raftrace soak\n\n${started.toISOString()} · ${machine.cores} cores · ${machine.cpuModel} · Node ${machine.node} · seed ${opts.seed} · ${wallSeconds.toFixed(0)} s · reproduce: \`npm run bench -- --soak\`\n\n${renderSoak(s, groups)}\n`;
  await writeFileAtomic(join(opts.out, 'soak.json'), `${JSON.stringify({ schema: 'raftrace.soak/1', partial: abort.signal.aborted, seed: opts.seed, groups, machine, wallSeconds, ...s }, null, 2)}\n`);
  await writeFileAtomic(join(opts.out, 'soak.md'), md);
  console.log(`\n${md}\nwrote ${join(opts.out, 'soak.json')} and ${join(opts.out, 'soak.md')}`);
  if (s.forbiddenRuns > 0) return EXIT.forbidden;
  return abort.signal.aborted ? EXIT.interrupted : EXIT.ok;
}

async function main(): Promise<number> {
  if (opts.soak) return soak();
  const started = new Date();
  const machine = machineFacts();
  const smoke = opts.smoke;
  const mode = smoke ? 'smoke' : 'full';
  const workers = Math.max(2, cpus().length);
  console.log(`raftrace bench (${mode}) · ${machine.cores} cores · ${machine.cpuModel} · Node ${machine.node} · seed ${opts.seed}`);
  const sections: string[] = [];
  const json: Record<string, unknown> = {};
  let forbidden = false;
  let harness = false;
  const phaseStart = { at: performance.now() };
  const phaseDone = (name: string): void => {
    console.log(`  ${name} took ${((performance.now() - phaseStart.at) / 1000).toFixed(1)} s`);
    phaseStart.at = performance.now();
  };

  if (!skip.has('matrix')) {
    const repeats = opts.repeats ?? (smoke ? 1 : 3);
    const groups = opts.groups ?? (smoke ? 12 : 100);
    console.log(`matrix: 4 strategies × 4 cells × ${repeats} repeat(s), ${groups} groups per run, ${workers} workers`);
    const m = await runMatrix({
      repeats, groups, workers, seed: opts.seed, observeNatsSeconds: smoke ? 0 : 30, signal: abort.signal,
      onRun: (done, total, r) =>
        console.log(
          `  [${done}/${total}] ${r.strategy.padEnd(8)} k=${r.config.callersPerCreate} ${r.config.cpuBusyShare > 0 ? 'heavy' : 'light'}: ` +
            `${r.throughput.createsPerSec.toFixed(0)} creates/s, dup ${r.counts.duplicates}, orphans ${r.leaks.orphansAtEnd} — ${r.verdict.outcome}${r.harnessFailure ? ` (harness: ${r.harnessFailure})` : ''}`,
        ),
    });
    forbidden ||= m.results.some((r) => r.verdict.outcome === 'forbidden');
    harness ||= m.results.some((r) => r.harnessFailure !== null);
    json.matrix = { repeats, groups, workers, summaries: m.summaries, runs: m.results };
    sections.push('## Verdict per strategy', '', renderVerdicts(m.summaries), '', '## Comparison matrix', '', renderMatrix(m.summaries), '');
    phaseDone('matrix');

    if (!skip.has('experiments') && !abort.signal.aborted) {
      console.log('experiment: creation throughput, R3, 1 ms disk, 4 groups in flight…');
      const t = await runThroughputExperiment({ repeats: smoke ? 1 : 9, groups: smoke ? 40 : 300, workers, seed: opts.seed, signal: abort.signal });
      forbidden ||= t.results.some((r) => r.verdict.outcome === 'forbidden');
      console.log('experiment: orphan tav.idx failure rate…');
      const o = await runOrphanRateExperiment({ groups: smoke ? 12 : 90, workers, observeNatsSeconds: smoke ? 40 : 150, seed: opts.seed });
      const d = detectionStats(m.results);
      const targets = scenarioTargets(t, o, d);
      json.experiments = { throughput: { ...t, results: undefined }, orphanRate: o, detection: d, targets };
      sections.push('## Experiments', '', renderExperiments(t, o, d), '', '## Scenario targets', '', renderTargets(targets), '');
      phaseDone('experiments');
    }
  }

  if (!skip.has('micro') && !abort.signal.aborted) {
    console.log('micro: single-thread hot paths…');
    const single = await runSingleThreadMicro(smoke ? 150 : 1000);
    const repeats = opts.microRepeats ?? (smoke ? 1 : 3);
    console.log(`micro: get-or-create across threads (${repeats} interleaved repeat(s))…`);
    const multi = await runMultiThreadMicro(opts.microOps ?? (smoke ? 3_000 : 50_000), repeats);
    const targets = microTargets(single, multi);
    json.micro = { singleThread: single, getOrCreate: multi, targets };
    sections.push('## Micro benchmarks', '', renderMicroMarkdown(single, multi, targets), '');
    phaseDone('micro');
  }

  if (!skip.has('host') && !abort.signal.aborted) {
    console.log('host: tick cost, heap per node, messages between workers…');
    const h = await runHostBench({ smoke }, (line) => console.log(`  ${line}`));
    json.host = h;
    sections.push('## Hosting Raft nodes', '', renderHostMarkdown(h), '');
    phaseDone('host');
  }

  const wallSeconds = (Date.now() - started.getTime()) / 1000;
  const partial = abort.signal.aborted;
  const verdictLine = forbidden
    ? '**FORBIDDEN OUTCOME**: an atomic strategy produced a duplicate or a leak. Performance figures are void.'
    : 'No forbidden outcome: locked, inflight and cas never produced a duplicate or a leak.';
  const header = [
    `# raftrace bench — ${mode}${partial ? ' (PARTIAL: interrupted)' : ''}`,
    '',
    `${started.toISOString()} · ${machine.cores} cores · ${machine.cpuModel} · Node ${machine.node} · seed ${opts.seed} · ${wallSeconds.toFixed(0)} s · reproduce: \`npm run bench${smoke ? ' -- --smoke' : ''}\``,
    '',
    verdictLine,
    '',
  ].join('\n');
  const result = { schema: 'raftrace.bench/1', mode, partial, forbidden, harnessFailure: harness, seed: opts.seed, startedAt: started.toISOString(), wallSeconds, machine, ...json };
  const md = `${header}\n${sections.join('\n')}`;
  await writeFileAtomic(join(opts.out, 'latest.json'), `${JSON.stringify(result, null, 2)}\n`);
  await writeFileAtomic(join(opts.out, 'latest.md'), md);
  console.log(`\n${md}\nwrote ${join(opts.out, 'latest.json')} and ${join(opts.out, 'latest.md')} in ${wallSeconds.toFixed(0)} s`);
  if (forbidden) return EXIT.forbidden;
  if (harness) return EXIT.harness;
  return partial ? EXIT.interrupted : EXIT.ok;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(`raftrace bench: harness failure: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    process.exit(EXIT.harness);
  },
);
