import { freshSeed } from '../../src/env/prng.js';
import { runTorture } from './run.js';

// npm run torture -- [--cases N] [--seed S] [--long]: hostile cases against `raftrace run` and the
// bench, every invariant checked. Last line: `torture: <cases> cases, <failures> failures`.
const args = process.argv.slice(2);
const valueOf = (flag: string): string | undefined => {
  const i = args.indexOf(flag);
  return i >= 0 ? args[i + 1] : undefined;
};
const intOf = (flag: string, dflt: number, hi: number): number => {
  const v = valueOf(flag);
  if (v === undefined) return dflt;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > hi) {
    process.stderr.write(`raftrace: ${flag}: must be an integer in [0, ${hi}]; got ${JSON.stringify(v)}\n`);
    process.exit(2);
  }
  return n;
};
const cases = intOf('--cases', 24, 100_000);
const seed = intOf('--seed', freshSeed(), 0xffff_ffff);
const long = args.includes('--long');
const abort = new AbortController();
process.on('SIGINT', () => abort.abort());
process.on('SIGTERM', () => abort.abort());
console.log(`torture: seed ${seed} (replay with --seed ${seed}), ${cases} cases${long ? ', long' : ''}`);
const r = await runTorture({
  cases, seed, long, signal: abort.signal,
  onCase: (i, c, problems, ms) => console.log(`  [${i + 1}/${cases}] ${problems.length === 0 ? 'ok  ' : 'FAIL'} ${c.name} (${(ms / 1000).toFixed(1)} s)${problems.map((p) => `\n        - ${p}`).join('')}`),
});
console.log(`torture: ${r.cases} cases, ${r.failures} failures`);
process.exit(r.failures > 0 ? 1 : abort.signal.aborted ? 130 : 0);
