// Standalone host figures: `node dist/bench/host/main.js [--smoke] [--sections one two million scaling] [--json out.json] [--disk fs|memfs]`.
// Prints the Markdown section on stdout (progress on stderr); the lead's bench/main.ts can call
// runHostBench and renderHostMarkdown directly instead.
import { Command, InvalidArgumentError, Option } from 'commander';
import { writeFileAtomic } from '../../src/scenario/atomic-write.js';
import { HOST_SECTIONS, renderHostMarkdown, runHostBench, type HostSection } from './run.js';
import type { TickMode } from './measure.js';

const EXIT_BAD_INPUT = 2;
const EXIT_HARNESS_FAILURE = 4;

const program = new Command('node dist/bench/host/main.js')
  .description('raftrace host figures: tick cost over 10k–100k nodes, heap per idle node, Raft messages per second between two workers')
  .option('--smoke', 'short run (10k nodes only, well under 20 s)', false)
  .option('--json <file>', 'also write the full result as JSON (atomically)')
  .addOption(new Option('--sections <names...>', 'sections to run (default: all)').choices([...HOST_SECTIONS]))
  .addOption(new Option('--modes <modes...>', "tick modes of the one- and two-worker sections (default: every unparked due; unparked = due without parking)").choices(['every', 'unparked', 'due']))
  .addOption(new Option('--disk <backend>', 'store backend of every host (memfs: one volume per worker; fs: a temp run store)').choices(['memfs', 'fs', 'null']).default('memfs'))
  .exitOverride((e) => process.exit(e.exitCode === 0 ? 0 : EXIT_BAD_INPUT))
  .parse(process.argv);

const opts = program.opts<{ smoke: boolean; json?: string; disk: 'fs' | 'memfs' | 'null'; sections?: HostSection[]; modes?: TickMode[] }>();
if (opts.json === '') throw new InvalidArgumentError('--json needs a file name');

try {
  const result = await runHostBench({ smoke: opts.smoke, disk: opts.disk, ...(opts.sections ? { sections: opts.sections } : {}), ...(opts.modes ? { modes: opts.modes } : {}) });
  if (opts.json !== undefined) await writeFileAtomic(opts.json, `${JSON.stringify(result, null, 2)}\n`);
  const m = result.machine;
  process.stdout.write(`## Host figures (${result.mode})\n\n${m.cores} cores · ${m.cpuModel} · Node ${m.node} · ${result.wallSeconds.toFixed(0)} s\n\n${renderHostMarkdown(result)}\n`);
  if (opts.json !== undefined) process.stderr.write(`wrote ${opts.json}\n`);
} catch (e) {
  process.stderr.write(`host bench failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exitCode = EXIT_HARNESS_FAILURE;
}
