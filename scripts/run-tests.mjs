// Runs every compiled test file explicitly. Node 20's `node --test` given a directory or a glob
// finds zero files and exits 0, so this lists them and refuses a run in which no test executed.
//
// Files run two at a time (--test-concurrency=2, one process each): the machine has 2 cores and
// many tests wait on child processes, disk latency or worker threads. No two files share a fixed
// temp path or port (every test makes its own mkdtemp dir; nats-server ports come from port 0), so
// a file never depends on being alone. `--concurrency 1` runs them one by one.
//
// After the run it prints the files and tests that took longest (from each test's duration_ms),
// so a slow test is seen when it is added. `--timings FILE` keeps every duration as JSON lines.
// A full run also leaves each file's time in .tmp/test-file-ms.json: the next run starts the
// longest files first.
//
// Usage: node scripts/run-tests.mjs [--concurrency N] [--timings FILE] [--slowest N] [file.test.js ...]
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPORTER = fileURLToPath(new URL('./test-timings-reporter.mjs', import.meta.url));
/** Per-file seconds of the last complete run (ignored by git), for the order of the next one. */
const LAST_TIMINGS = '.tmp/test-file-ms.json';

function find(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...find(p));
    else if (name.endsWith('.test.js')) out.push(p);
  }
  return out;
}

function usage(msg) {
  console.error(`run-tests: ${msg}`);
  process.exit(2);
}

const args = process.argv.slice(2);
const opt = { concurrency: 2, timings: null, slowest: 10, files: [] };
for (let i = 0; i < args.length; i++) {
  const a = args[i];
  const int = (lo, hi) => {
    const v = Number(args[++i]);
    if (!Number.isInteger(v) || v < lo || v > hi) usage(`${a}: must be an integer in ${lo}..${hi}; got ${JSON.stringify(args[i] ?? '')}`);
    return v;
  };
  if (a === '--concurrency') opt.concurrency = int(1, 8);
  else if (a === '--slowest') opt.slowest = int(0, 1000);
  else if (a === '--timings') opt.timings = args[++i] ?? usage('--timings: needs a file name');
  else if (a.startsWith('--')) usage(`unknown option ${a} (allowed: --concurrency, --timings, --slowest)`);
  else opt.files.push(a);
}

const files = longestFirst((opt.files.length > 0 ? opt.files : find('dist/test')).sort());
if (files.length === 0) {
  console.error('run-tests: no test files found under dist/test (did the build run?)');
  process.exit(1);
}
const scratch = mkdtempSync(join(tmpdir(), 'raftrace-run-tests-'));
const timingsFile = opt.timings !== null ? resolve(opt.timings) : join(scratch, 'timings.jsonl');

/**
 * Two lanes finish together when the longest files start first (a 20 s file started last leaves
 * one core idle for 20 s). Uses the per-file times the previous run left in LAST_TIMINGS; files it
 * does not know start first (they may be slow); without it the order stays alphabetical. The order
 * changes only when files run, never what they check.
 */
function longestFirst(list) {
  let last;
  try {
    last = JSON.parse(readFileSync(LAST_TIMINGS, 'utf8'));
  } catch {
    return list;
  }
  const ms = (f) => last[relative(process.cwd(), resolve(f))] ?? Infinity;
  return [...list].sort((a, b) => ms(b) - ms(a));
}
const started = performance.now();
let tests = -1;
let buf = '';
const child = spawn(
  process.execPath,
  ['--test', `--test-concurrency=${opt.concurrency}`, '--test-reporter=tap', '--test-reporter-destination=stdout', `--test-reporter=${REPORTER}`, `--test-reporter-destination=${timingsFile}`, ...files],
  { stdio: ['ignore', 'pipe', 'inherit'] },
);
// Ctrl-C reaches the child through the process group; remove the scratch dir on the way out.
const cleanup = () => rmSync(scratch, { recursive: true, force: true });
process.on('SIGINT', () => {
  child.kill('SIGINT');
  cleanup();
  process.exit(130);
});
child.stdout.on('data', (chunk) => {
  process.stdout.write(chunk);
  buf += chunk.toString();
});
child.on('close', (code) => {
  const m = /^# tests (\d+)$/m.exec(buf);
  if (m) tests = Number(m[1]);
  try {
    report(readFileSync(timingsFile, 'utf8'), (performance.now() - started) / 1000);
  } catch (e) {
    console.error(`run-tests: no timings (${e instanceof Error ? e.message : String(e)})`);
  }
  cleanup();
  if (code !== 0) process.exit(code ?? 1);
  if (tests <= 0) {
    console.error(`run-tests: ${tests < 0 ? 'no summary line' : 'zero tests'} from ${files.length} file(s)`);
    process.exit(1);
  }
  process.exit(0);
});

/** The slowest files (sum of their top-level tests) and tests (leaves), on stderr after the TAP. */
function report(text, wallSeconds) {
  const rows = text.split('\n').filter(Boolean).map((l) => JSON.parse(l));
  const byFile = new Map();
  for (const r of rows) if (r.nesting === 0) byFile.set(r.file, (byFile.get(r.file) ?? 0) + r.ms);
  const testSeconds = [...byFile.values()].reduce((a, b) => a + b, 0) / 1000;
  if (opt.files.length === 0) {
    mkdirSync(dirname(LAST_TIMINGS), { recursive: true });
    writeFileSync(LAST_TIMINGS, `${JSON.stringify(Object.fromEntries([...byFile].map(([f, ms]) => [relative(process.cwd(), f), Math.round(ms)])), null, 1)}\n`);
  }
  const name = (f) => (f === null ? '?' : relative(process.cwd(), f));
  const s = (ms) => `${(ms / 1000).toFixed(1).padStart(6)} s`;
  const lines = [`run-tests: ${files.length} files, wall ${wallSeconds.toFixed(1)} s, test time ${testSeconds.toFixed(1)} s (sum of every file's tests), concurrency ${opt.concurrency}`];
  if (opt.slowest > 0) {
    lines.push(`slowest files:`);
    for (const [f, ms] of [...byFile].sort((a, b) => b[1] - a[1]).slice(0, opt.slowest)) lines.push(`  ${s(ms)}  ${name(f)}`);
    lines.push(`slowest tests:`);
    for (const r of rows.filter((x) => !x.suite).sort((a, b) => b.ms - a.ms).slice(0, opt.slowest)) lines.push(`  ${s(r.ms)}  ${name(r.file)} :: ${r.name}`);
  }
  console.error(lines.join('\n'));
}
