import { Command, Option } from 'commander';
import { EXIT, EXIT_CODES_HELP } from './exit-codes.js';
import { CONFIG_FLAGS, helpOf } from './flags.js';
import { safeLine } from './safe-text.js';
import { addExploreCommand } from './explore-command.js';
import { addGateCommand } from './gate-command.js';

const ABOUT = [
  'raftrace reproduces the Raft group creation race of nats-server #5824 on real',
  'threads, and compares racy and atomic creation: throughput, duplicates, leaks.',
].join('\n');

const RUN_ABOUT = [
  'Run one churn scenario: each group is created by several callers at once,',
  'lives a while, and is deleted. Flags override --config, then --preset.',
].join('\n');

const EXAMPLES = [
  'Examples:',
  '  raftrace run --strategy racy --preset heavy     # show the leak: duplicates, orphans, tav.idx failures',
  '  raftrace run --strategy cas --seed 42 --json    # a fixed-seed run of the CAS strategy, result as JSON',
  '  raftrace run --target nats --groups 200         # the same churn on a real 3-server nats-server cluster',
].join('\n');

/** What the `run` action receives: every option's raw value, by commander attribute name. */
export type RunAction = (opts: Record<string, unknown>) => Promise<void>;

/**
 * The command-line grammar: `raftrace run [options]`. Commander only splits the arguments; values
 * stay strings and are converted and validated by resolveConfig, so every bad value gets the same
 * one-line message. Commander's own errors (unknown option, missing value) end with EXIT.badInput.
 */
export function buildProgram(runAction: RunAction, gateAction?: RunAction): Command {
  const program = new Command('raftrace')
    .description(ABOUT)
    .usage('run [options]')
    .helpOption('-h, --help', 'show this help')
    .helpCommand(false)
    .configureOutput({
      outputError: (str, write) => write(`raftrace: ${safeLine(str.replace(/^error: /, ''))}\n`),
    })
    .exitOverride()
    .addHelpText('after', `\n${EXIT_CODES_HELP}\n\n${EXAMPLES}\n\nRun \`raftrace run --help\` for every option.`);

  const run = program
    .command('run')
    .summary('run one churn scenario and report it (see: raftrace run --help)')
    .description(`${ABOUT}\n\n${RUN_ABOUT}`)
    .helpOption('-h, --help', 'show this help');
  for (const f of CONFIG_FLAGS) run.addOption(new Option(f.flags, helpOf(f)));
  run
    .addOption(new Option('--preset <name>', 'load preset: light | heavy (heavy widens the check-to-register window like a busy server) (default: light)'))
    .addOption(new Option('--config <file.json>', 'JSON object of config fields (camelCase, e.g. {"groups": 500}); unknown keys are rejected'))
    .addOption(new Option('--nats-server <path>', 'with --target nats: the nats-server binary (default: nats-server on PATH, then /usr/sbin)'))
    .addOption(new Option('--json', 'print the result as JSON on stdout instead of the summary table'))
    .addOption(new Option('--out <path>', 'also write the result JSON to this regular file (atomically; checked before the run; a device, FIFO or directory is refused)'))
    .addOption(new Option('--log <path-prefix>', 'write Raft logs, one file per worker: <path-prefix>.w<N>.log (default: none)'))
    .addOption(new Option('--no-progress', 'no progress on stderr (default: a bar on a terminal, plain lines otherwise)'))
    .addOption(new Option('--inject-crash-after <groups>', 'test hook: crash worker 0 after this many groups').hideHelp())
    .addHelpText('after', `\n${EXIT_CODES_HELP}\n\n${EXAMPLES}\n\nThe seed is printed first on stderr; the same --seed replays the same plan. Ctrl-C (or SIGTERM) stops\nthe run and reports (and writes) the partial result within 8 s; a second Ctrl-C exits at once.`)
    .action(async (opts: Record<string, unknown>) => runAction(opts));
  addExploreCommand(program);
  if (gateAction) addGateCommand(program, gateAction);
  return program;
}

/** Commander's exit: 0 after --help / --version, EXIT.badInput for any usage error. */
export function commanderExitCode(exitCode: number): number {
  return exitCode === 0 ? EXIT.ok : EXIT.badInput;
}
