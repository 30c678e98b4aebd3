// The gate's proof: repeated gate runs of the quick suite on this machine, in a temp clone of this
// repository, against (a) the same code (A/A: base = HEAD, head = the clean working tree) and (b) a
// planted regression: a throwaway commit that makes the cas creation path spin for a known fraction
// of its own duration after every create (0.10 → 10% slower, 0.25 → 25%; see the plant below).
//
//   node scripts/gate/proof.mjs --kind aa|p10|p25 --runs 20 --until 04:20 --out .tmp/gate-proof [--only a,b]
//
// Each run's gate.json goes to <out>/<kind>/<i>/; one line per run is appended to <out>/<kind>/runs.jsonl.
// Bounded: stops after --runs runs or at --until (UTC, HH:MM), whichever comes first.
import { execFileSync, spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const args = Object.fromEntries(process.argv.slice(2).reduce((acc, a, i, all) => (a.startsWith('--') ? [...acc, [a.slice(2), all[i + 1]]] : acc), []));
const kind = args.kind;
const FRACTION = { aa: 0, p10: 0.1, p25: 0.25 }[kind];
if (FRACTION === undefined) throw new Error('--kind must be aa, p10 or p25');
const runs = Number(args.runs ?? 20);
const [uh, um] = (args.until ?? '23:59').split(':').map(Number);
const out = resolve(args.out ?? '.tmp/gate-proof', kind);
const src = resolve(args.repo ?? '.');
const clone = resolve(args.clones ?? '/tmp/raftrace-gate-proof', kind);
const sh = (cwd, cmd, a) => execFileSync(cmd, a, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();

function setup() {
  if (existsSync(join(clone, '.git'))) return sh(clone, 'git', ['rev-parse', 'HEAD~' + (FRACTION > 0 ? 1 : 0)]);
  mkdirSync(resolve(clone, '..'), { recursive: true });
  sh('/', 'git', ['clone', '-q', src, clone]);
  symlinkSync(join(src, 'node_modules'), join(clone, 'node_modules'), 'dir');
  sh(clone, 'git', ['config', 'user.email', 'proof@raftrace.invalid']);
  sh(clone, 'git', ['config', 'user.name', 'gate proof']);
  const base = sh(clone, 'git', ['rev-parse', 'HEAD']);
  if (FRACTION > 0) {
    const f = join(clone, 'src/create/cas.ts');
    writeFileSync(f, `${readFileSync(f, 'utf8')}
// PLANTED REGRESSION (gate proof, throwaway commit): every cas create spins for ${FRACTION * 100}% of its own
// duration (a create that took over 50 us was preempted by another job: its spin is capped there).
const plantedInner = cas.create.bind(cas);
cas.create = async (server, req) => {
  const t0 = performance.now();
  const out = await plantedInner(server, req);
  const until = performance.now() + Math.min(performance.now() - t0, 0.05) * ${FRACTION};
  while (performance.now() < until) {
    // planted slowdown
  }
  return out;
};
`);
    sh(clone, 'git', ['commit', '-qam', `plant: cas create ${FRACTION * 100}% slower`]);
  }
  sh(clone, 'npm', ['run', 'build', '--silent']);
  return base;
}

const base = setup();
mkdirSync(out, { recursive: true });
for (let i = 0; i < runs; i++) {
  const now = new Date();
  if (now.getUTCHours() * 60 + now.getUTCMinutes() >= uh * 60 + um) break;
  const dir = join(out, String(i));
  const t0 = Date.now();
  const only = args.only ? ['--only', args.only] : [];
  const r = spawnSync(process.execPath, ['dist/src/cli/main.js', 'gate', '--base', base, '--suite', 'quick', ...only, '--out-dir', dir], { cwd: clone, encoding: 'utf8', timeout: 45 * 60_000 });
  const wallSeconds = (Date.now() - t0) / 1000;
  let summary = null;
  try {
    const g = JSON.parse(readFileSync(join(dir, 'gate.json'), 'utf8'));
    summary = { status: g.status, gateWallSeconds: g.wallSeconds, processes: g.processes, load: g.environment.loadAverage1m, aaShowsDifference: g.calibration.aaShowsDifference,
      benchmarks: g.benchmarks.map((b) => ({ name: b.name, verdict: b.verdict, changePct: b.changePct, ciPct: b.ciPct, thresholdPct: b.thresholdPct, pairs: b.pairs, pHolm: b.pHolm })) };
  } catch (e) {
    summary = { error: String(e), stderr: r.stderr?.slice(-500) };
  }
  appendFileSync(join(out, 'runs.jsonl'), `${JSON.stringify({ kind, fraction: FRACTION, only: args.only ?? null, i, startedAt: now.toISOString(), exit: r.status, wallSeconds, ...summary })}\n`);
  console.log(`${kind} #${i}: exit ${r.status} in ${wallSeconds.toFixed(0)} s${summary?.benchmarks ? ` — ${summary.benchmarks.map((b) => `${b.name}:${b.verdict}`).join(' ')}` : ''}`);
}
