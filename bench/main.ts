import { join } from 'node:path';
import { cpus } from 'node:os';
import { BadInput, oneLine } from '../src/cli/bad-input.js';
import { EXIT, exitCodeFor, type ExitCode } from '../src/cli/exit-codes.js';
import { checkOutputFile } from '../src/cli/output-check.js';
import { usePrivateTmp } from '../src/cli/private-tmp.js';
import { writeFileAtomic } from '../src/scenario/atomic-write.js';
import { machineFacts } from '../src/scenario/machine.js';
import type { ScenarioResult } from '../src/scenario/result.js';
import { parseBenchFlags, type BenchFlags } from './flags.js';
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
import { runTorture } from './torture/run.js';
import { runLincheckSoak } from './micro/lincheck-soak.js';
import { BENCH_SIZES, calibrationPhase } from './scenario/calibration.js';

/**
 * What every part of the bench found, folded into ONE exit code by exitCodeFor (the table shared
 * with `raftrace run`). `judged` runs are those whose verdict counts: an inconclusive matrix or
 * soak run makes the bench inconclusive; the throughput experiment (one caller per group, no race
 * by design) is judged for forbidden outcomes and harness failures only.
 */
class Tally {
  forbidden = false;
  harnessFailure = false;
  inconclusive = false;
  readonly notes: string[] = [];

  run(r: ScenarioResult, judgeInconclusive: boolean): void {
    this.forbidden ||= r.verdict.outcome === 'forbidden';
    if (r.harnessFailure !== null) {
      this.harnessFailure = true;
      this.notes.push(`harness failure (${r.strategy}, seed ${r.seed}): ${r.harnessFailure}`);
    }
    // A partial run is inconclusive because it was interrupted; that is said by the interruption.
    if (judgeInconclusive && !r.partial && r.verdict.outcome === 'inconclusive') {
      this.inconclusive = true;
      this.notes.push(`inconclusive (${r.strategy}, seed ${r.seed}): ${r.verdict.reasons.at(-1) ?? ''}`);
    }
  }

  code(interrupted: boolean): ExitCode {
    return exitCodeFor({ forbidden: this.forbidden, interrupted, harnessFailure: this.harnessFailure, inconclusive: this.inconclusive });
  }
}

let opts: BenchFlags;
try {
  opts = parseBenchFlags(process.argv);
} catch (e) {
  process.stderr.write(`raftrace: ${oneLine(e instanceof Error ? e.message : String(e))}\n`);
  process.exit(e instanceof BadInput ? EXIT.badInput : EXIT.harnessFailure);
}

const abort = new AbortController();
let signals = 0;
const onSignal = (): void => {
  if (++signals > 1) {
    process.stderr.write('raftrace: interrupted twice: exiting now\n');
    process.exit(EXIT.interrupted);
  }
  process.stderr.write('\nraftrace: interrupted: finishing within 8 s, then writing a partial report (Ctrl-C again to quit now)\n');
  abort.abort();
};
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);

/** Every output file checked before anything runs; a failed write at the end is said in one line. */
async function checkOutputs(names: readonly string[]): Promise<void> {
  for (const n of names) await checkOutputFile('--out', join(opts.out, n));
}

async function writeReports(files: Readonly<Record<string, string>>): Promise<boolean> {
  let ok = true;
  for (const [name, text] of Object.entries(files)) {
    try {
      await writeFileAtomic(join(opts.out, name), text);
    } catch (e) {
      ok = false;
      process.stderr.write(`raftrace: --out: could not write ${JSON.stringify(join(opts.out, name))}: ${(e as NodeJS.ErrnoException).code ?? String(e)} (the report is printed above)\n`);
    }
  }
  return ok;
}

async function soak(tally: Tally): Promise<ExitCode> {
  await checkOutputs(['soak.json', 'soak.md']);
  const started = new Date();
  const machine = machineFacts();
  const workers = Math.max(2, cpus().length);
  const groups = opts.groups ?? (opts.smoke ? 12 : 300);
  console.log(`raftrace soak${opts.smoke ? ' (smoke)' : ''} · ${machine.cores} cores · Node ${machine.node} · seed ${opts.seed} · ${groups} groups per run`);
  let n = 0;
  const s = await runSoak({
    racyRuns: opts.repeats ?? (opts.smoke ? 2 : 40), atomicCreateRequests: opts.smoke ? 1_000 : 100_000, groups, workers, seed: opts.seed, signal: abort.signal,
    onRun: (r) => {
      tally.run(r, r.strategy !== 'racy');
      console.log(`  [${++n}] ${r.strategy.padEnd(8)} seed ${r.seed}: ${r.counts.createRequests} requests, dup ${r.counts.duplicates}, orphans ${r.leaks.orphansAtEnd} — ${r.verdict.outcome}`);
    },
  });
  // The registry's linearizability on real threads, checked long (issue #7): a violation is a
  // forbidden outcome, like a duplicate under an atomic strategy.
  let lincheck: Awaited<ReturnType<typeof runLincheckSoak>> | null = null;
  if (!abort.signal.aborted) {
    const seconds = opts.smoke ? 10 : 540;
    console.log(`lincheck: ${seconds} s of recorded registry histories on 2–8 threads, seed ${opts.seed}…`);
    const stop = { requested: false };
    const onAbort = (): void => {
      stop.requested = true;
    };
    abort.signal.addEventListener('abort', onAbort, { once: true });
    try {
      lincheck = await runLincheckSoak(seconds, opts.seed, stop);
    } finally {
      abort.signal.removeEventListener('abort', onAbort);
    }
    if (lincheck.violations > 0) {
      tally.forbidden = true;
      tally.notes.push(`lincheck: ${lincheck.violations} non-linearizable registry history (replay: npm run lincheck -- --seconds ${seconds} --seed ${opts.seed})`);
    }
  }
  let torture: { cases: number; failures: number; seconds: number } | null = null;
  if (opts.tortureCases > 0 && !abort.signal.aborted) {
    console.log(`torture: ${opts.tortureCases} hostile cases, seed ${opts.seed}…`);
    torture = await runTorture({ cases: opts.tortureCases, seed: opts.seed, signal: abort.signal });
    if (torture.failures > 0) {
      tally.harnessFailure = true;
      tally.notes.push(`torture: ${torture.failures} of ${torture.cases} cases broke an invariant (replay: npm run torture -- --cases ${opts.tortureCases} --seed ${opts.seed})`);
    }
  }
  const wallSeconds = (Date.now() - started.getTime()) / 1000;
  const partial = abort.signal.aborted;
  const lincheckLine = lincheck
    ? `\n\nlincheck: ${lincheck.histories.toLocaleString('en-US')} histories, ${lincheck.ops.toLocaleString('en-US')} operations checked, ${lincheck.violations} violations (${lincheck.seconds.toFixed(0)} s, ${Math.round(lincheck.opsPerSec).toLocaleString('en-US')} ops/s)`
    : '';
  const tortureLine = torture ? `\n\ntorture: ${torture.cases} cases, ${torture.failures} failures (${torture.seconds.toFixed(0)} s; \`npm run torture -- --cases ${opts.tortureCases} --seed ${opts.seed}\`)` : '';
  const md = `# raftrace soak${partial ? ' (PARTIAL: interrupted)' : ''}\n\n${started.toISOString()} · ${machine.cores} cores · ${machine.cpuModel} · Node ${machine.node} · seed ${opts.seed} · ${wallSeconds.toFixed(0)} s · reproduce: \`npm run bench -- --soak\`\n\n${renderSoak(s, groups)}${lincheckLine}${tortureLine}\n${notesMd(tally)}`;
  const code = tally.code(partial);
  const json = { schema: 'raftrace.soak/1', partial, exitCode: code, seed: opts.seed, groups, machine, wallSeconds, ...s, lincheck, torture, notes: tally.notes };
  console.log(`\n${md}`);
  const written = await writeReports({ 'soak.json': `${JSON.stringify(json, null, 2)}\n`, 'soak.md': md });
  if (written) console.log(`wrote ${join(opts.out, 'soak.json')} and ${join(opts.out, 'soak.md')}`);
  return written || code !== EXIT.ok ? code : EXIT.harnessFailure;
}

function notesMd(t: Tally): string {
  return t.notes.length === 0 ? '' : `\n## Findings that set the exit code\n\n${t.notes.slice(0, 50).map((n) => `- ${n}`).join('\n')}\n`;
}

async function main(): Promise<ExitCode> {
  const tally = new Tally();
  if (opts.soak) return soak(tally);
  await checkOutputs(['latest.json', 'latest.md']);
  const started = new Date();
  const machine = machineFacts();
  const smoke = opts.smoke;
  const mode = smoke ? 'smoke' : 'full';
  const workers = Math.max(2, cpus().length);
  const skip = opts.skip;
  console.log(`raftrace bench (${mode}) · ${machine.cores} cores · ${machine.cpuModel} · Node ${machine.node} · seed ${opts.seed}`);
  const sections: string[] = [];
  const json: Record<string, unknown> = {};
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
      ...(opts.testStrategies ? { strategies: opts.testStrategies } : {}),
      onRun: (done, total, r) => {
        // racy's verdict is `leaked` or an honest inconclusive: only the atomic strategies' claim is judged.
        tally.run(r, r.strategy !== 'racy');
        console.log(
          `  [${done}/${total}] ${r.strategy.padEnd(8)} k=${r.config.callersPerCreate} ${r.config.cpuBusyShare > 0 ? 'heavy' : 'light'}: ` +
            `${r.throughput.createsPerSec.toFixed(0)} creates/s, dup ${r.counts.duplicates}, orphans ${r.leaks.orphansAtEnd} — ${r.verdict.outcome}${r.harnessFailure ? ` (harness: ${r.harnessFailure})` : ''}`,
        );
      },
    });
    json.matrix = { repeats, groups, workers, summaries: m.summaries, runs: m.results };
    sections.push('## Verdict per strategy', '', renderVerdicts(m.summaries), '', '## Comparison matrix', '', renderMatrix(m.summaries), '');
    phaseDone('matrix');

    if (!skip.has('experiments') && !abort.signal.aborted) {
      console.log('experiment: creation throughput, R3, 1 ms disk, 4 groups in flight…');
      const t = await runThroughputExperiment({ repeats: smoke ? 1 : 9, groups: smoke ? 40 : 300, workers, seed: opts.seed, signal: abort.signal });
      for (const r of t.results) tally.run(r, false);
      console.log('experiment: orphan tav.idx failure rate…');
      const o = await runOrphanRateExperiment({ groups: smoke ? 12 : 90, workers, observeNatsSeconds: smoke ? 40 : 150, seed: opts.seed, signal: abort.signal });
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

  if (!skip.has('calibration') && !abort.signal.aborted) {
    const c = await calibrationPhase(BENCH_SIZES[mode], workers, opts.seed, abort.signal, (line) => console.log(line));
    json.calibration = c.json;
    sections.push('## Calibration: model and a real nats-server cluster', '', c.md, '');
    phaseDone('calibration');
  }

  const wallSeconds = (Date.now() - started.getTime()) / 1000;
  const partial = abort.signal.aborted;
  const code = tally.code(partial);
  const ran = ['matrix', 'experiments', 'micro', 'host', 'calibration'].filter((p) => json[p] !== undefined);
  const verdictLine = tally.forbidden
    ? '**FORBIDDEN OUTCOME**: an atomic strategy produced a duplicate or a leak. Performance figures are void.'
    : json.matrix === undefined
      ? `No scenario was run (phases: ${ran.join(', ') || 'none'}): nothing is claimed about duplicates or leaks.`
      : tally.inconclusive
        ? '**INCONCLUSIVE**: no duplicate or leak was seen, but some atomic runs could not exercise the claim (see the findings).'
        : 'No forbidden outcome: locked, inflight and cas never produced a duplicate or a leak.';
  const header = [
    `# raftrace bench — ${mode}${partial ? ' (PARTIAL: interrupted)' : ''}`,
    '',
    `${started.toISOString()} · ${machine.cores} cores · ${machine.cpuModel} · Node ${machine.node} · seed ${opts.seed} · ${wallSeconds.toFixed(0)} s · exit ${code} · reproduce: \`npm run bench${smoke ? ' -- --smoke' : ''}\``,
    '',
    verdictLine,
    '',
  ].join('\n');
  const result = {
    schema: 'raftrace.bench/1', mode, partial, exitCode: code, phases: ran, forbidden: tally.forbidden, harnessFailure: tally.harnessFailure, inconclusive: tally.inconclusive,
    notes: tally.notes, seed: opts.seed, startedAt: started.toISOString(), wallSeconds, machine, ...json,
  };
  const md = `${header}\n${sections.join('\n')}${notesMd(tally)}`;
  console.log(`\n${md}`);
  const written = await writeReports({ 'latest.json': `${JSON.stringify(result, null, 2)}\n`, 'latest.md': md });
  // The HTML renderer pulls in vega: loaded only once there is a report to draw.
  if (written) await (await import('./report/html.js')).writeBenchHtml(opts.out, result); // also appends <out>/history.jsonl
  if (written) console.log(`wrote ${join(opts.out, 'latest.json')} and ${join(opts.out, 'latest.md')} in ${wallSeconds.toFixed(0)} s`);
  return written || code !== EXIT.ok ? code : EXIT.harnessFailure;
}

// Every run store of the bench goes under one private dir (os.tmpdir() follows TMPDIR), removed on
// any exit, a double Ctrl-C included: no raftrace-run-* is left in the real TMPDIR.
try {
  process.env.TMPDIR = usePrivateTmp();
} catch (e) {
  process.stderr.write(`raftrace: TMPDIR: must be a writable directory with free space and inodes; got ${JSON.stringify(process.env.TMPDIR ?? '/tmp')} (${(e as NodeJS.ErrnoException).code ?? String(e)})\n`);
  process.exit(EXIT.badInput);
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    if (e instanceof BadInput) {
      process.stderr.write(`raftrace: ${oneLine(e.message)}\n`);
      process.exit(EXIT.badInput);
    }
    process.stderr.write(`raftrace: harness failure: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(EXIT.harnessFailure);
  },
);
