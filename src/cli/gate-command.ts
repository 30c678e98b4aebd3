import { Command, Option } from 'commander';
import { access, constants, mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { defaultBase, isDirty, repoRoot, resolveCommit } from '../gate/git.js';
import { renderMarkdown } from '../gate/markdown.js';
import type { GateStatus } from '../gate/result.js';
import { runGate, type GateOptions } from '../gate/run-gate.js';
import { DEFAULT_SETTINGS } from '../gate/verdict.js';
import { BadInput } from './bad-input.js';
import { EXIT, type ExitCode } from './exit-codes.js';
import { onInterrupt } from './interrupt.js';

const GATE_ABOUT = [
  'Compare the performance of two commits on this machine: base and head are built and run as',
  'fresh processes, interleaved, with an A/A check of the noise in the same run.',
].join('\n');

const GATE_EXIT_HELP = [
  'Exit codes:',
  `  ${EXIT.ok}    pass (also inconclusive, unless --strict)`,
  `  ${EXIT.regression}    regression: a benchmark slower beyond its threshold, not accepted by a commit trailer`,
  `  ${EXIT.badInput}    bad input: unknown ref, bad flag; nothing was run`,
  `  ${EXIT.forbidden}    forbidden outcome in base or head (duplicate or leak under an atomic strategy)`,
  `  ${EXIT.harnessFailure}    harness failure (a build or a benchmark process failed)`,
  `  ${EXIT.inconclusive}    inconclusive, with --strict`,
  `  ${EXIT.interrupted}  interrupted (partial outputs, marked partial)`,
].join('\n');

/** Registers `raftrace gate` on the program; `action` receives the raw option values. */
export function addGateCommand(program: Command, action: (opts: Record<string, unknown>) => Promise<void>): void {
  program
    .command('gate')
    .summary('performance regression gate: base vs head, interleaved (see: raftrace gate --help)')
    .description(GATE_ABOUT)
    .helpOption('-h, --help', 'show this help')
    .addOption(new Option('--base <git-ref>', 'base commit (default: merge-base with the default branch, else HEAD~1)'))
    .addOption(new Option('--head <git-ref>', 'head commit (default: the working tree, uncommitted changes included)'))
    .addOption(new Option('--suite <name>', 'quick | full (default: quick)'))
    .addOption(new Option('--out-dir <dir>', 'where gate.json, gate.md, junit.xml, bencher.json, github-action-benchmark.json, gate.html go (default: reports/gate)'))
    .addOption(new Option('--rounds <n>', 'rounds for every benchmark, even, 4..40 (default: quick 4, full 6)'))
    .addOption(new Option('--max-rounds <n>', 'rounds for a still inconclusive benchmark, even, >= --rounds, <= 30 (default: quick 8, full 12)'))
    .addOption(new Option('--floor-pct <x>', `threshold floor in percent, 0.5..100 (default: ${DEFAULT_SETTINGS.floorPct})`))
    .addOption(new Option('--noise-k <x>', `threshold = max(floor, k × A/A noise), 0..10 (default: ${DEFAULT_SETTINGS.noiseK})`))
    .addOption(new Option('--only <names>', 'comma-separated benchmark names (default: the whole suite)'))
    .addOption(new Option('--strict', 'exit 5 when the run is inconclusive'))
    .addHelpText('after', `\n${GATE_EXIT_HELP}\n\nAccept a known regression with a commit trailer: Perf-Regression-Accepted: <benchmark> <reason>`)
    .action(async (opts: Record<string, unknown>) => action(opts));
}

function num(field: string, v: unknown, lo: number, hi: number, int: boolean, dflt: number): number {
  if (v === undefined) return dflt;
  const n = Number(v);
  if (typeof v !== 'string' || v.trim() === '' || !Number.isFinite(n) || n < lo || n > hi || (int && !Number.isInteger(n))) {
    throw new BadInput(field, `${int ? 'an integer' : 'a number'} in ${lo}..${hi}`, v);
  }
  return n;
}

/** Flags → options; every check happens here, before anything is built or run. */
async function resolveOptions(raw: Record<string, unknown>): Promise<{ options: GateOptions; outDir: string }> {
  const suite = raw.suite ?? 'quick';
  if (suite !== 'quick' && suite !== 'full') throw new BadInput('--suite', 'quick | full', suite);
  const rounds = num('--rounds', raw.rounds, 4, 40, true, suite === 'quick' ? 4 : 6);
  if (rounds % 2 !== 0) throw new BadInput('--rounds', 'an even number (ABBA and BAAB rounds pair up)', raw.rounds);
  // --max-rounds is at most 30 because the exact Wilcoxon distribution is computed for up to 60 pairs.
  const maxRounds = num('--max-rounds', raw.maxRounds, rounds, 30, true, Math.max(rounds, suite === 'quick' ? 8 : 12));
  if (maxRounds % 2 !== 0) throw new BadInput('--max-rounds', 'an even number', raw.maxRounds);
  const floorPct = num('--floor-pct', raw.floorPct, 0.5, 100, false, DEFAULT_SETTINGS.floorPct);
  const noiseK = num('--noise-k', raw.noiseK, 0, 10, false, DEFAULT_SETTINGS.noiseK);
  const only = typeof raw.only === 'string' ? raw.only.split(',').map((s) => s.trim()).filter((s) => s !== '') : null;
  if (only !== null && only.length === 0) throw new BadInput('--only', 'comma-separated benchmark names', raw.only);
  const repo = await repoRoot(process.cwd());
  if (repo === null) throw new BadInput('--base', 'run inside a git repository', process.cwd());
  let base: GateOptions['base'];
  if (typeof raw.base === 'string') {
    const c = await resolveCommit(repo, raw.base);
    if (c === null) throw new BadInput('--base', 'a git ref naming a commit', raw.base);
    base = { ref: raw.base, commit: c, why: `--base ${raw.base}` };
  } else {
    const d = await defaultBase(repo);
    if (d === null) throw new BadInput('--base', 'a git ref (this repository has no parent commit to compare with)', undefined);
    base = { ref: d.ref, commit: d.ref, why: d.why };
  }
  let head: GateOptions['head'] = null;
  if (typeof raw.head === 'string') {
    const c = await resolveCommit(repo, raw.head);
    if (c === null) throw new BadInput('--head', 'a git ref naming a commit', raw.head);
    head = { ref: raw.head, commit: c };
  }
  const outDir = resolve(typeof raw.outDir === 'string' ? raw.outDir : 'reports/gate');
  try {
    await mkdir(outDir, { recursive: true });
    await access(outDir, constants.W_OK);
  } catch (e) {
    throw new BadInput('--out-dir', 'a directory that can be created and written', raw.outDir ?? 'reports/gate', (e as NodeJS.ErrnoException).code);
  }
  return {
    outDir,
    options: { repo, base, head, headDirty: head === null && (await isDirty(repo)), suite, initialRounds: rounds, maxRounds, settings: { ...DEFAULT_SETTINGS, floorPct, noiseK }, strict: raw.strict === true, only },
  };
}

/** The gate's exit code: one row of the CLI's table per status. */
export function gateExitCode(status: GateStatus, strict: boolean): ExitCode {
  switch (status) {
    case 'pass': return EXIT.ok;
    case 'regressed': return EXIT.regression;
    case 'forbidden': return EXIT.forbidden;
    case 'harness-failure': return EXIT.harnessFailure;
    case 'interrupted': return EXIT.interrupted;
    case 'inconclusive': return strict ? EXIT.inconclusive : EXIT.ok;
  }
}

/** `raftrace gate`: validate (bad input throws before anything runs), run, write every output, return the exit code. */
export async function gateCommand(raw: Record<string, unknown>): Promise<ExitCode> {
  const { options, outDir } = await resolveOptions(raw);
  const err = process.stderr;
  // A parent that stops reading (a CI step killed, a pipe closed) must not crash the gate with EPIPE
  // halfway through: the worktree would stay behind and the outputs would be half renamed.
  err.on('error', () => undefined);
  const { signal } = onInterrupt({
    first: () => err.write('raftrace: interrupted: stopping after the current process, removing the base worktree, writing partial outputs (Ctrl-C again to exit now)\n'),
    second: () => {
      err.write('raftrace: interrupted twice: exiting now (the temp worktree is removed on the way out; partial outputs are not written)\n');
      process.exit(EXIT.interrupted);
    },
  });
  err.write(`raftrace gate: base ${options.base.commit.slice(0, 10)} (${options.base.why}) vs head ${options.head?.ref ?? 'working tree'}\n`);
  const r = await runGate(options, signal, (line) => err.write(`  ${line}\n`));
  const code = gateExitCode(r.status, options.strict);
  const result = { ...r, exitCode: code };
  // Loaded only here: the renderers pull in vega (hundreds of modules), which `raftrace run` must not
  // pay for at start-up (nor open under a small `ulimit -n`).
  const { writeGateOutputs } = await import('../gate/outputs.js');
  const files = await writeGateOutputs(outDir, result);
  process.stdout.write(renderMarkdown(result));
  err.write(`wrote ${files.join(', ')}\n`);
  return code;
}
