// npm run lincheck -- --seconds N [--threads T] [--seed S]
// Records registry histories on real threads and checks each for linearizability. Last line:
// `lincheck: <histories> histories, <ops> operations, <violations> violations`.
import { EXIT } from '../cli/exit-codes.js';
import { freshSeed } from '../env/prng.js';
import { runLincheck } from './run.js';

function bad(field: string, allowed: string): never {
  console.error(`raftrace: ${field}: ${allowed}`);
  process.exit(EXIT.badInput);
}

function parse(argv: readonly string[]): { seconds: number; threads: number | undefined; seed: number; verbose: boolean } {
  let seconds = 10;
  let threads: number | undefined;
  let seed: number | undefined;
  let verbose = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const v = argv[i + 1];
    const int = (field: string, lo: number, hi: number) => {
      const n = Number(v);
      if (v === undefined || !Number.isInteger(n) || n < lo || n > hi) bad(field, `a whole number from ${lo} to ${hi}, got ${v === undefined ? 'nothing' : JSON.stringify(v)}`);
      i++;
      return n;
    };
    if (a === '--seconds') seconds = int('--seconds', 1, 3600);
    else if (a === '--threads') threads = int('--threads', 2, 8);
    else if (a === '--seed') seed = int('--seed', 0, 0xffff_ffff);
    else if (a === '--verbose') verbose = true;
    else bad(a, 'unknown option (allowed: --seconds N, --threads T, --seed S, --verbose)');
  }
  return { seconds, threads, seed: seed ?? freshSeed(), verbose };
}

async function main(): Promise<void> {
  const opt = parse(process.argv.slice(2));
  console.log(`lincheck: seed ${opt.seed} (replay the same workloads with --seed ${opt.seed})`);
  const stop = { requested: false };
  let interrupts = 0;
  const onSignal = () => {
    stop.requested = true;
    if (++interrupts > 1) process.exit(EXIT.interrupted);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const t0 = performance.now();
  const s = await runLincheck({ seconds: opt.seconds, threads: opt.threads, seed: opt.seed, stop, ...(opt.verbose ? { onSession: (l: string) => console.log(l) } : {}) });
  const secs = (performance.now() - t0) / 1000;
  if (s.violation !== undefined) {
    console.log(s.violation);
    console.log(`lincheck: violation found with seed ${opt.seed}`);
  }
  console.log(`lincheck: ${s.sessions} sessions in ${secs.toFixed(1)} s, ${Math.round(s.ops / secs)} operations/s checked`);
  console.log(`lincheck: ${s.histories} histories, ${s.ops} operations, ${s.violations} violations`);
  process.exitCode = s.violations > 0 ? EXIT.forbidden : stop.requested ? EXIT.interrupted : EXIT.ok;
}

main().catch((e: unknown) => {
  console.error(`lincheck: harness failure: ${e instanceof Error ? e.message : String(e)}`);
  process.exitCode = EXIT.harnessFailure;
});
