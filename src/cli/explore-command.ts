import { Command, Option } from 'commander';
import { STRATEGY_NAMES, type StrategyName } from '../create/strategy.js';
import { ATOMIC_STRATEGIES } from '../create/index.js';
import { freshSeed } from '../env/prng.js';
import { SIM_LIMITS, SimConfigError, validateSimConfig, type SimConfig } from '../sim/config.js';
import { failed } from '../sim/execution.js';
import { MODES, REDUCTIONS, type Mode } from '../sim/explore.js';
import { exploreReport, type ExploreReport } from '../sim/report.js';
import { replay } from '../sim/run.js';
import { decodeSchedule, encodeSchedule, ScheduleSyntaxError } from '../sim/schedule-codec.js';
import { kindsOf } from '../sim/shrink.js';
import { SimDisk } from '../sim/sim-disk.js';
import { BadInput } from './bad-input.js';
import { EXIT, EXIT_CODES_HELP, type ExitCode } from './exit-codes.js';

/** Raw `raftrace explore` flags, as commander hands them over (strings until validated here). */
export interface ExploreFlags {
  readonly strategy?: string;
  readonly servers?: string;
  readonly replicas?: string;
  readonly groups?: string;
  readonly callers?: string;
  readonly withDelete?: boolean;
  readonly mode?: string;
  readonly budget?: string;
  readonly seconds?: string;
  readonly seed?: string;
  readonly depth?: string;
  readonly json?: boolean;
  readonly replay?: string;
  readonly shrink?: boolean;
  readonly raftTicks?: string;
  readonly reduction?: string;
  readonly findPauses?: boolean;
}

const DEFAULT_BUDGET: Readonly<Record<Mode, number>> = { random: 10_000, pct: 10_000, exhaustive: 200_000 };

/** `raftrace explore`: registered by program.ts. Its action sets the exit code itself (see NOTE in action). */
export function addExploreCommand(program: Command): void {
  program
    .command('explore')
    .summary('explore interleavings of the creation strategies in a deterministic simulation')
    .description(
      'Run the production strategies, registry, js.mu and a memfs store in one thread under a ' +
        'seeded scheduler that picks, at every await, which caller runs next. Reports how many ' +
        'schedules end with a duplicate, a leak or a split, and a shrunk schedule that replays one. ' +
        'An exhaustive run stopped by --budget or --seconds is inconclusive (exit 5).',
    )
    .helpOption('-h, --help', 'show this help')
    .addOption(new Option('--strategy <name>', `creation strategy: ${STRATEGY_NAMES.join(' | ')}`))
    .addOption(new Option('--servers <n>', `servers, 1..${SIM_LIMITS.servers} (default: 1)`))
    .addOption(new Option('--replicas <n>', 'replicas per group, 1..servers (default: servers)'))
    .addOption(new Option('--groups <n>', `groups (names), 1..${SIM_LIMITS.groups} (default: 1)`))
    .addOption(new Option('--callers <k>', `concurrent createRaftGroup callers per (server, group), 1..${SIM_LIMITS.callers} (default: 2)`))
    .addOption(new Option('--with-delete', 'caller 0 (the meta apply) deletes the group after creating it'))
    .addOption(new Option('--find-pauses', "pause callers' registry lookups inside find() between key validation and the STATE read, where the delete's unregister and another name's churn may run (random and pct only)"))
    .addOption(new Option('--raft-ticks <n>', `run Raft nodes for n ticks of simulated time (1 tick = 1 NATS s), 0..${SIM_LIMITS.raftTicks}; random and pct only (default: 0)`))
    .addOption(new Option('--mode <mode>', `${MODES.join(' | ')} (default: random)`))
    .addOption(new Option('--reduction <r>', `exhaustive only: ${REDUCTIONS.join(' | ')}; por explores a persistent set of callers per state (every terminal state, fewer executions; counts are then representative schedules, not every interleaving); sleep adds sleep sets to por (the same terminal states in fewer executions) (default: none)`))
    .addOption(new Option('--budget <n>', 'schedules to run (random, pct) or executions allowed (exhaustive) (default: 10000; exhaustive 200000)'))
    .addOption(new Option('--seconds <s>', 'also stop after this many seconds (default: no limit)'))
    .addOption(new Option('--seed <n>', 'PRNG seed in [0, 4294967295] (default: a fresh one, printed first)'))
    .addOption(new Option('--depth <d>', 'PCT bug depth, 1..10 (default: 2)'))
    .addOption(new Option('--replay <schedule>', 'replay one printed schedule and print its trace in NATS terms'))
    .addOption(new Option('--no-shrink', 'report the first failing schedule as found, unshrunk'))
    .addOption(new Option('--json', 'print one JSON object on stdout'))
    .addHelpText('after', `\n${EXIT_CODES_HELP}\n\nExamples:\n  raftrace explore --strategy racy --with-delete --mode exhaustive\n  raftrace explore --replay racy:s1r1g1c2d:0.1.1.0`)
    .action(async (opts: ExploreFlags) => {
      const code = await exploreCommand(opts);
      // main.ts only knows run's exit code; flush stdout, then exit with ours (nothing else is running).
      await new Promise<void>((r) => process.stdout.write('', () => r()));
      process.exit(code);
    });
}

export async function exploreCommand(raw: ExploreFlags, out: NodeJS.WritableStream = process.stdout): Promise<ExitCode> {
  if (raw.replay !== undefined) return replayCommand(raw, out);
  const cfg = configOf(raw);
  const mode = oneOf('--mode', raw.mode ?? 'random', MODES);
  if (mode === 'exhaustive' && cfg.findPauses === true) throw new BadInput('--find-pauses', 'off with --mode exhaustive (pause choices are explored by random and pct)', true);
  if (mode === 'exhaustive' && cfg.raftTicks > 0) throw new BadInput('--raft-ticks', '0 with --mode exhaustive (Raft state is not in the state signature)', raw.raftTicks);
  const reduction = oneOf('--reduction', raw.reduction ?? 'none', REDUCTIONS);
  if (reduction !== 'none' && mode !== 'exhaustive') throw new BadInput('--reduction', 'none unless --mode exhaustive', raw.reduction);
  const o = {
    mode,
    reduction,
    budget: intOf('--budget', raw.budget, DEFAULT_BUDGET[mode], 1, 100_000_000),
    seconds: numOf('--seconds', raw.seconds, 0, 0, 86_400),
    seed: raw.seed === undefined ? freshSeed() : intOf('--seed', raw.seed, 0, 0, 0xffff_ffff),
    depth: intOf('--depth', raw.depth, 2, 1, 10),
  };
  process.stderr.write(`seed ${o.seed} (replay with --seed ${o.seed})\n`);
  const report = await exploreReport(cfg, new SimDisk(), o, raw.shrink !== false);
  out.write(raw.json === true ? `${JSON.stringify(report, null, 2)}\n` : renderReport(report));
  if (report.verdict === 'forbidden') return EXIT.forbidden;
  if (report.verdict === 'incomplete') return EXIT.inconclusive;
  return EXIT.ok;
}

async function replayCommand(raw: ExploreFlags, out: NodeJS.WritableStream): Promise<ExitCode> {
  let parsed: ReturnType<typeof decodeSchedule>;
  try {
    parsed = decodeSchedule(raw.replay ?? '');
  } catch (e) {
    if (e instanceof ScheduleSyntaxError) throw new BadInput('--replay', e.message, raw.replay);
    if (e instanceof SimConfigError) throw new BadInput('--replay', `a schedule whose world is valid (${e.message})`, raw.replay);
    throw e;
  }
  const { cfg, threads } = parsed;
  const r = await replay(cfg, new SimDisk(), threads, 'trace');
  const kinds = kindsOf(r.verdict);
  if (raw.json === true) {
    out.write(`${JSON.stringify({ schedule: encodeSchedule(cfg, threads), executed: encodeSchedule(cfg, r.schedule), kinds, verdict: r.verdict, outcome: r.outcome, trace: r.trace }, null, 2)}\n`);
  } else {
    const lines = [`replay ${encodeSchedule(cfg, threads)} (${r.schedule.length} steps)`];
    for (const s of r.trace) lines.push(`${String(s.step).padStart(4)}  ${s.thread.padEnd(10)} ${s.began}${s.events.length ? `: ${s.events.join('; ')}` : ''}`);
    lines.push(`terminal state: ${r.outcome}`, `failures: ${kinds.length ? kinds.join(', ') : 'none'}`);
    out.write(`${lines.join('\n')}\n`);
  }
  if (!failed(r.verdict)) return EXIT.ok;
  return ATOMIC_STRATEGIES.includes(cfg.strategy) || r.verdict.error !== null || r.verdict.deadlock ? EXIT.forbidden : EXIT.ok;
}

function configOf(raw: ExploreFlags): SimConfig {
  if (raw.strategy === undefined) throw new BadInput('--strategy', `one of ${STRATEGY_NAMES.join(', ')}`, undefined);
  const strategy: StrategyName = oneOf('--strategy', raw.strategy, STRATEGY_NAMES);
  const servers = intOf('--servers', raw.servers, 1, 1, SIM_LIMITS.servers);
  const cfg = {
    strategy,
    servers,
    replicas: intOf('--replicas', raw.replicas, servers, 1, servers),
    groups: intOf('--groups', raw.groups, 1, 1, SIM_LIMITS.groups),
    callers: intOf('--callers', raw.callers, 2, 1, SIM_LIMITS.callers),
    withDelete: raw.withDelete === true,
    raftTicks: intOf('--raft-ticks', raw.raftTicks, 0, 0, SIM_LIMITS.raftTicks),
    ...(raw.findPauses === true ? { findPauses: true } : {}),
  };
  try {
    return validateSimConfig(cfg);
  } catch (e) {
    if (e instanceof SimConfigError) throw new BadInput(`--${e.field}`, e.allowed, e.got);
    throw e;
  }
}

function oneOf<T extends string>(flag: string, v: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(v)) throw new BadInput(flag, `one of ${allowed.join(', ')}`, v);
  return v as T;
}

function intOf(flag: string, v: string | undefined, dflt: number, lo: number, hi: number): number {
  if (v === undefined) return dflt;
  const n = /^\d+$/.test(v) ? Number(v) : NaN;
  if (!Number.isSafeInteger(n) || n < lo || n > hi) throw new BadInput(flag, `an integer in [${lo}, ${hi}]`, v);
  return n;
}

function numOf(flag: string, v: string | undefined, dflt: number, lo: number, hi: number): number {
  if (v === undefined) return dflt;
  const n = /^\d+(\.\d+)?$/.test(v) ? Number(v) : NaN;
  if (!(n >= lo && n <= hi)) throw new BadInput(flag, `a number in [${lo}, ${hi}]`, v);
  return n;
}

export function renderReport(r: ExploreReport): string {
  const c = r.config;
  const pct = (n: number): string => (r.schedules > 0 ? `${((100 * n) / r.schedules).toFixed(2)}%` : '-');
  const lines = [
    `raftrace explore: ${r.strategy}, ${r.mode}${r.mode === 'pct' ? ` (depth ${r.depth})` : ''}; ${c.servers} server(s), R${c.replicas}, ${c.groups} group(s), ${c.callers} caller(s)${c.withDelete ? ', with delete' : ''}${c.raftTicks > 0 ? `, Raft ${c.raftTicks} ticks` : ''}`,
    `schedules ${r.schedules}${r.mode === 'exhaustive' ? ` (${r.reduction === 'por' ? 'persistent-set reduction: every terminal state, representative schedules' : r.reduction === 'sleep' ? 'persistent + sleep-set reduction: every terminal state, representative schedules' : 'every interleaving'}${r.complete ? '' : ': INCOMPLETE, budget spent'}; ${r.executions} executions)` : ''}; distinct terminal states ${r.distinctTerminalStates}; ${r.elapsedMs} ms`,
    `with duplicate ${r.withDuplicate} (${pct(r.withDuplicate)}), with leak ${r.withLeak} (${pct(r.withLeak)}), split callers ${r.withSplit}, Raft safety ${r.withSafetyViolation}, deadlock ${r.withDeadlock}, error ${r.withError}; resurrected after delete ${r.withResurrection} (not a failure)`,
  ];
  if (r.firstFailure) {
    lines.push(`first failure (${r.firstFailure.kinds.join(', ')}), ${r.firstFailure.steps} listed steps (shrunk from ${r.firstFailure.shrunkFrom}):`, `  ${r.firstFailure.replay}`);
  }
  lines.push(`verdict: ${r.verdict}`);
  return `${lines.join('\n')}\n`;
}
