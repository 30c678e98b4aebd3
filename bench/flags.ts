import { Command, Option } from 'commander';
import { BadInput } from '../src/cli/bad-input.js';
import { EXIT, EXIT_CODES_HELP } from '../src/cli/exit-codes.js';
import { safeLine } from '../src/cli/safe-text.js';
import { SEED_MAX } from '../src/scenario/seeds.js';
import { isAllowedStrategy } from '../src/create/index.js';
import type { StrategyName } from '../src/create/strategy.js';
import { testHooksEnabled } from '../src/env/test-hooks.js';

export const PHASES = ['matrix', 'experiments', 'micro', 'host', 'calibration'] as const;
export type Phase = (typeof PHASES)[number];

export interface BenchFlags {
  readonly smoke: boolean;
  readonly soak: boolean;
  readonly out: string;
  readonly repeats?: number;
  readonly groups?: number;
  readonly seed: number;
  readonly microRepeats?: number;
  readonly microOps?: number;
  readonly skip: ReadonlySet<Phase>;
  /** Hostile cases the soak's torture run tries (0: none). */
  readonly tortureCases: number;
  /** Test hook, hidden: the matrix's strategies (e.g. broken-cas); accepted only with RAFTRACE_TEST_HOOKS=1. */
  readonly testStrategies?: readonly StrategyName[];
}

const ABOUT =
  'raftrace benchmarks: the four creation strategies compared on a churn matrix (2 creation-pressure × 2 load levels),\n' +
  'a creation-throughput and an orphan-rate experiment, and micro benchmarks of the shared-memory registry.\n' +
  'Writes <out>/latest.json and <out>/latest.md (--soak: <out>/soak.json and <out>/soak.md), checked before anything runs.\n' +
  'Every part feeds the exit code: a forbidden outcome anywhere wins, then a harness failure, then an inconclusive\n' +
  'run (an atomic strategy whose matrix or soak run could not exercise its claim; the throughput experiment has one\n' +
  'caller per group by design and is not judged on it). Ctrl-C or SIGTERM: partial report (marked), exit 130.';

function int(flag: string, lo: number, hi: number): (v: string) => number {
  return (v) => {
    const n = v.trim() === '' ? Number.NaN : Number(v);
    if (!Number.isInteger(n) || n < lo || n > hi) throw new BadInput(flag, `an integer in [${lo}, ${hi}]`, v);
    return n;
  };
}

/** `--skip a,b` (repeatable): phases only; a flag where a phase was expected is named as such. */
function skipList(v: string, prev: Phase[] | undefined): Phase[] {
  const out = [...(prev ?? [])];
  for (const p of v.split(',')) {
    if (p.startsWith('-')) throw new BadInput('--skip', `a comma-separated list of phases (${PHASES.join(', ')})`, v, 'a flag where a phase was expected');
    if (!(PHASES as readonly string[]).includes(p)) throw new BadInput('--skip', `a comma-separated list of phases (${PHASES.join(', ')})`, p);
    out.push(p as Phase);
  }
  return out;
}

/**
 * Parses the bench's flags. Bad input (a value, a combination) exits EXIT.badInput with one line
 * `raftrace: <flag>: ...`, like the CLI, before anything runs.
 */
export function parseBenchFlags(argv: readonly string[]): BenchFlags {
  const program = new Command('npm run bench --')
    .description(ABOUT)
    .configureOutput({ outputError: (str, write) => write(`raftrace: ${safeLine(str.replace(/^error: /, ''))}\n`) })
    .option('--smoke', 'short run for CI (under a minute); with --soak, a short soak', false)
    .option('--soak', 'only the long correctness soak: racy detection rate, 100,000+ atomic creations, then the torture suite', false)
    .option('--out <dir>', 'report directory', 'reports')
    .option('--repeats <n>', 'interleaved repeats of every matrix cell (default 3, smoke 1; with --soak: racy runs, default 40)', int('--repeats', 1, 10_000))
    .option('--groups <n>', 'groups per matrix run (default 100, smoke 12; with --soak 300)', int('--groups', 1, 100_000))
    .option('--seed <n>', `base seed in [0, ${SEED_MAX}] (repeat r uses seed + r, modulo 2^32)`, int('--seed', 0, SEED_MAX), 1)
    .option('--micro-repeats <n>', 'interleaved repeats of every multi-thread micro configuration (default 3, smoke 1)', int('--micro-repeats', 1, 1000))
    .option('--micro-ops <n>', 'operations per thread in each multi-thread micro run (default 50000, smoke 3000)', int('--micro-ops', 1, 100_000_000))
    .option('--torture-cases <n>', 'hostile cases of the torture suite run at the end of --soak (default 60, smoke 0)', int('--torture-cases', 0, 100_000))
    .addOption(new Option('--skip <phases>', `phases to skip, comma-separated, repeatable: ${PHASES.join(', ')} (experiments need the matrix)`).argParser(skipList))
    // Hidden: unknown to --help, and refused as an unknown option unless RAFTRACE_TEST_HOOKS=1.
    .addOption(new Option('--test-strategies <names...>').hideHelp())
    .addHelpText('after', `\n${EXIT_CODES_HELP}\n  (the bench never returns 1: that is \`raftrace gate\`)`)
    .exitOverride();
  try {
    program.parse(argv);
  } catch (e) {
    if (e instanceof BadInput) throw e;
    const code = (e as { exitCode?: number }).exitCode;
    // commander has printed its own one line (or the help, exit 0).
    process.exit(code === 0 ? EXIT.ok : EXIT.badInput);
  }
  const o = program.opts<{ smoke: boolean; soak: boolean; out: string; repeats?: number; groups?: number; seed: number; microRepeats?: number; microOps?: number; skip?: Phase[]; tortureCases?: number; testStrategies?: StrategyName[] }>();
  const skip = new Set(o.skip ?? []);
  if (o.testStrategies !== undefined && (!testHooksEnabled() || !o.testStrategies.every(isAllowedStrategy))) {
    throw new BadInput('--test-strategies', 'not an option of the bench', o.testStrategies.join(' '), "unknown option '--test-strategies'");
  }
  if (o.soak && skip.size > 0) throw new BadInput('--skip', 'absent with --soak (the soak has no phases)', [...skip].join(','));
  if (!o.soak && skip.has('matrix') && !skip.has('experiments')) {
    throw new BadInput('--skip', 'matrix together with experiments (the experiments\' detection figures come from the matrix runs)', [...skip].join(','));
  }
  if (!o.soak && PHASES.every((p) => skip.has(p))) throw new BadInput('--skip', 'a list that leaves at least one phase to run', [...skip].join(','));
  return {
    smoke: o.smoke, soak: o.soak, out: o.out, seed: o.seed, skip,
    ...(o.repeats !== undefined ? { repeats: o.repeats } : {}),
    ...(o.groups !== undefined ? { groups: o.groups } : {}),
    ...(o.microRepeats !== undefined ? { microRepeats: o.microRepeats } : {}),
    ...(o.microOps !== undefined ? { microOps: o.microOps } : {}),
    tortureCases: o.tortureCases ?? (o.smoke ? 0 : 60),
    ...(o.testStrategies !== undefined ? { testStrategies: o.testStrategies } : {}),
  };
}
