// What a gate run of a suite costs on this machine, from one timed process per benchmark:
//   node scripts/gate/suite-cost.mjs --suite full [--repeat 2] [--out reports/gate-suite-cost.json]
// A gate run spends 4 processes per benchmark per round (ABBA / BAAB), `initial` rounds for all and
// up to `max` for a still inconclusive one (quick 4..8, full 6..12), one process at a time, plus
// the two builds; so its cost lies between 4 × initial × Σ t and 4 × max × Σ t, where t is one
// process's wall time (median of --repeat). The gate's own bookkeeping is negligible beside it.
import { spawnSync } from 'node:child_process';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, resolve } from 'node:path';

const args = Object.fromEntries(process.argv.slice(2).reduce((acc, a, i, all) => (a.startsWith('--') ? [...acc, [a.slice(2), all[i + 1]]] : acc), []));
const suite = args.suite ?? 'full';
if (suite !== 'quick' && suite !== 'full') throw new Error(`--suite: quick or full, got ${JSON.stringify(suite)}`);
const repeat = Number(args.repeat ?? 1);
const ROUNDS = { quick: [4, 8], full: [6, 12] }[suite];
const { BENCH_NODE_FLAGS } = await import(resolve('dist/src/gate/process.js'));
const list = JSON.parse(spawnSync(process.execPath, ['dist/bench/gate/run-one.js', '--list', suite], { encoding: 'utf8' }).stdout);
const rows = [];
const loadStart = loadavg()[0];
for (const b of list) {
  const times = [];
  for (let r = 0; r < repeat; r++) {
    const t0 = performance.now();
    const p = spawnSync(process.execPath, [...BENCH_NODE_FLAGS, 'dist/bench/gate/run-one.js', b.name], { encoding: 'utf8' });
    if (p.status !== 0) throw new Error(`${b.name}: exit ${p.status}: ${p.stderr.slice(-300)}`);
    times.push((performance.now() - t0) / 1000);
  }
  times.sort((x, y) => x - y);
  rows.push({ name: b.name, processSeconds: times[times.length >> 1] });
  console.log(`${b.name}: ${times.map((t) => t.toFixed(2)).join(', ')} s per process`);
}
const sum = rows.reduce((a, r) => a + r.processSeconds, 0);
const out = { suite, machine: `${cpus().length} cores, ${cpus()[0]?.model ?? '?'}, Node ${process.version}`, loadAverage1mAtStart: loadStart, loadAverage1mAtEnd: loadavg()[0],
  at: new Date().toISOString(), repeat, benchmarks: rows, secondsPerRound: 4 * sum, rounds: { initial: ROUNDS[0], max: ROUNDS[1] },
  gateSecondsLower: 4 * ROUNDS[0] * sum, gateSecondsUpper: 4 * ROUNDS[1] * sum };
console.log(`${suite}: ${rows.length} benchmarks, ${(4 * sum).toFixed(0)} s per round of 4 processes each → a gate run takes ${(out.gateSecondsLower / 60).toFixed(1)}–${(out.gateSecondsUpper / 60).toFixed(1)} min plus two builds (${ROUNDS[0]}..${ROUNDS[1]} rounds)`);
if (args.out) {
  mkdirSync(dirname(resolve(args.out)), { recursive: true });
  writeFileSync(`${args.out}.tmp`, `${JSON.stringify(out, null, 2)}\n`);
  renameSync(`${args.out}.tmp`, args.out);
}
