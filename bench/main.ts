import { Command, InvalidArgumentError } from 'commander';
import { join } from 'node:path';
import { writeFileAtomic } from '../src/scenario/atomic-write.js';
import { machineFacts } from '../src/scenario/machine.js';
import { runMultiThreadMicro } from './micro/multi-thread.js';
import { renderMicroMarkdown } from './micro/render.js';
import { runSingleThreadMicro } from './micro/single-thread.js';
import { microTargets } from './micro/targets.js';

const EXIT_BAD_INPUT = 2;

function positiveInt(field: string) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`${field} must be a positive integer, got ${JSON.stringify(v)}`);
    return n;
  };
}

const program = new Command('npm run bench --')
  .description('raftrace benchmarks: micro benchmarks of the shared-memory registry and the creation strategies; writes reports/latest.json and reports/latest.md')
  .option('--smoke', 'short run for CI (seconds, not minutes)', false)
  .option('--out <dir>', 'report directory', 'reports')
  .option('--repeats <n>', 'repeats of each multi-thread configuration (default 5, smoke 1)', positiveInt('--repeats'))
  .exitOverride((e) => process.exit(e.exitCode === 0 ? 0 : EXIT_BAD_INPUT))
  .parse(process.argv);

const opts = program.opts<{ smoke: boolean; out: string; repeats?: number }>();

async function main(): Promise<void> {
  const started = new Date();
  const machine = machineFacts();
  const mode = opts.smoke ? 'smoke' : 'full';
  console.log(`raftrace bench (${mode}) on ${machine.cores} cores, ${machine.cpuModel}, Node ${machine.node}`);
  console.log('micro: single-thread hot paths…');
  const single = await runSingleThreadMicro(opts.smoke ? 150 : 1000);
  const repeats = opts.repeats ?? (opts.smoke ? 1 : 5);
  console.log(`micro: get-or-create across threads (${repeats} interleaved repeats)…`);
  let lastPct = -1;
  const multi = await runMultiThreadMicro(opts.smoke ? 20_000 : 100_000, repeats, (done, total) => {
    const pct = Math.floor((done / total) * 10) * 10;
    if (pct !== lastPct) console.log(`  ${done}/${total} runs`);
    lastPct = pct;
  });
  const targets = microTargets(single, multi);
  const md = renderMicroMarkdown(single, multi, targets);
  const result = {
    schema: 'raftrace.bench/1',
    mode,
    startedAt: started.toISOString(),
    wallSeconds: (Date.now() - started.getTime()) / 1000,
    machine,
    micro: { singleThread: single, getOrCreate: multi, targets },
  };
  const header = `# raftrace bench — ${mode}\n\n${started.toISOString()} · ${machine.cores} cores · ${machine.cpuModel} · Node ${machine.node} · ${result.wallSeconds.toFixed(0)} s\n\n## Micro benchmarks\n\n`;
  await writeFileAtomic(join(opts.out, 'latest.json'), `${JSON.stringify(result, null, 2)}\n`);
  await writeFileAtomic(join(opts.out, 'latest.md'), `${header}${md}\n`);
  console.log(`\n${md}\n\nwrote ${join(opts.out, 'latest.json')} and ${join(opts.out, 'latest.md')}`);
}

main().catch((e: unknown) => {
  console.error(`raftrace bench: harness failure: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
  process.exit(4);
});
