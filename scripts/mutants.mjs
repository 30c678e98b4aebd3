// npm run mutants — named, realistic one-line bugs, each planted in a private copy of the compiled
// tree and run against the tests that claim to guard it. A mutant is *killed* when those tests
// fail; every mutant must be killed (exit 1 otherwise). The catalogs live in scripts/mutants/*.mjs.
//
// Why compiled JS and not the .ts source: a copy of dist/ can be patched in milliseconds, while a
// rebuild per mutant costs ~7 s of tsc on this 2-core machine. Each `find` must occur exactly once
// in the compiled file, so a catalog entry that no longer matches the code fails loudly (exit 2)
// instead of rotting into a mutant that changes nothing.
//
// Usage: node scripts/mutants.mjs [--only SUBSTR] [--area NAME] [--list] [--report] [--jobs N]
//   --check only verifies that every catalog entry still matches the compiled code (npm test runs it).
//   --report writes reports/mutants.json and reports/mutants.md (atomically).
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const workRoot = join(root, '.mutants-work');
const DEFAULT_TIMEOUT_MS = 120_000;

function usage(msg) {
  console.error(`mutants: ${msg}`);
  process.exit(2);
}

const args = process.argv.slice(2);
const opt = { only: [], area: [], list: false, check: false, report: false, jobs: 1 };
for (let i = 0; i < args.length; i++) {
  const a = args[i];
  if (a === '--only') opt.only.push(args[++i] ?? usage('--only needs a value'));
  else if (a === '--area') opt.area.push(args[++i] ?? usage('--area needs a value'));
  else if (a === '--list') opt.list = true;
  else if (a === '--check') opt.check = true;
  else if (a === '--report') opt.report = true;
  else if (a === '--jobs') {
    opt.jobs = Number(args[++i]);
    if (!Number.isInteger(opt.jobs) || opt.jobs < 1 || opt.jobs > 8) usage('--jobs takes a whole number from 1 to 8');
  } else usage(`unknown option ${a} (allowed: --only, --area, --list, --check, --report, --jobs)`);
}

/** Source path (src/x.ts, test/y.test.ts) → compiled path relative to a dist copy. */
const toDist = (p) => p.replace(/\.ts$/, '.js');

async function loadCatalog() {
  const dir = join(root, 'scripts', 'mutants');
  const all = [];
  for (const f of readdirSync(dir).filter((n) => n.endsWith('.mjs')).sort()) {
    const mod = await import(pathToFileURL(join(dir, f)).href);
    for (const m of mod.default) all.push({ ...m, catalog: f });
  }
  const ids = new Set();
  for (const m of all) {
    for (const k of ['id', 'area', 'description', 'file', 'find', 'replace']) {
      if (typeof m[k] !== 'string' || m[k].length === 0) usage(`${m.catalog}: mutant ${m.id ?? '?'} lacks '${k}'`);
    }
    if (!Array.isArray(m.tests) || m.tests.length === 0) usage(`${m.catalog}: mutant ${m.id} names no tests`);
    if (ids.has(m.id)) usage(`duplicate mutant id ${m.id}`);
    ids.add(m.id);
  }
  return all;
}

function runTests(distDir, tests, env, timeoutMs) {
  const files = tests.map((t) => join(distDir, toDist(t)));
  for (const f of files) if (!existsSync(f)) return Promise.resolve({ code: -2, timedOut: false, out: `missing test ${f}` });
  return new Promise((res) => {
    const child = spawn(process.execPath, ['--test', '--test-reporter=dot', '--test-concurrency=1', ...files], {
      cwd: root,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let out = '';
    child.stdout.on('data', (c) => (out += c));
    child.stderr.on('data', (c) => (out += c));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }, timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      res({ code: code ?? -1, timedOut, out: out.slice(-4000) });
    });
  });
}

function count(hay, needle) {
  let n = 0;
  for (let i = hay.indexOf(needle); i !== -1; i = hay.indexOf(needle, i + 1)) n++;
  return n;
}

async function main() {
  let catalog = await loadCatalog();
  if (opt.area.length) catalog = catalog.filter((m) => opt.area.includes(m.area));
  if (opt.only.length) catalog = catalog.filter((m) => opt.only.some((s) => m.id.includes(s)));
  if (opt.list) {
    for (const m of catalog) console.log(`${m.id.padEnd(40)} ${m.area.padEnd(9)} ${m.description}`);
    console.log(`mutants: ${catalog.length} listed`);
    return;
  }
  if (catalog.length === 0) usage('no mutant selected');
  const dist = join(root, 'dist');
  if (!existsSync(join(dist, 'src'))) usage('no dist/ — run npm run build first');

  // Every pattern must match exactly once before anything runs.
  const stale = [];
  for (const m of catalog) {
    const f = join(dist, toDist(m.file));
    if (!existsSync(f)) stale.push(`${m.id}: no compiled file ${toDist(m.file)}`);
    else {
      const n = count(readFileSync(f, 'utf8'), m.find);
      if (n !== 1) stale.push(`${m.id}: 'find' occurs ${n} times in ${toDist(m.file)} (must be exactly once)`);
    }
  }
  if (stale.length > 0) usage(`${stale.length} catalog entr${stale.length === 1 ? 'y no longer matches' : 'ies no longer match'} the code:\n  ${stale.join('\n  ')}`);
  if (opt.check) {
    console.log(`mutants: ${catalog.length} catalog entries match the compiled code`);
    return;
  }

  // Baseline: the unmutated tests must pass, or a "kill" means nothing.
  const testSets = [...new Set(catalog.map((m) => JSON.stringify([m.tests, m.env ?? {}])))];
  for (const key of testSets) {
    const [tests, env] = JSON.parse(key);
    // As long as the slowest mutant of this test set may take: a test file slow on a loaded machine
    // must not fail its baseline on a shorter clock than its mutants get.
    const timeout = Math.max(DEFAULT_TIMEOUT_MS, ...catalog.filter((m) => JSON.stringify([m.tests, m.env ?? {}]) === key).map((m) => m.timeoutMs ?? 0));
    const r = await runTests(dist, tests, env, timeout);
    if (r.code !== 0) {
      console.error(r.out);
      usage(`baseline failed: ${tests.join(' ')} does not pass on the unmutated code`);
    }
  }

  rmSync(workRoot, { recursive: true, force: true });
  mkdirSync(workRoot, { recursive: true });
  const cleanup = () => rmSync(workRoot, { recursive: true, force: true });
  process.on('SIGINT', () => {
    cleanup();
    process.exit(130);
  });

  const results = [];
  const t0 = Date.now();
  let next = 0;
  async function worker(slot) {
    while (next < catalog.length) {
      const m = catalog[next++];
      const copy = join(workRoot, `w${slot}`, 'dist');
      rmSync(copy, { recursive: true, force: true });
      cpSync(dist, copy, { recursive: true });
      const target = join(copy, toDist(m.file));
      writeFileSync(target, readFileSync(target, 'utf8').replace(m.find, m.replace));
      const started = Date.now();
      const r = await runTests(copy, m.tests, m.env ?? {}, m.timeoutMs ?? DEFAULT_TIMEOUT_MS);
      const killed = r.code !== 0;
      const res = {
        id: m.id,
        area: m.area,
        description: m.description,
        file: m.file,
        tests: m.tests,
        killed,
        by: r.timedOut ? 'timeout' : killed ? 'test failure' : 'survived',
        seconds: Math.round((Date.now() - started) / 100) / 10,
      };
      results.push(res);
      console.log(`${killed ? 'killed  ' : 'SURVIVED'} ${m.id} (${res.by}, ${res.seconds} s)`);
    }
  }
  await Promise.all(Array.from({ length: opt.jobs }, (_, i) => worker(i)));
  cleanup();
  results.sort((a, b) => a.id.localeCompare(b.id));
  const killed = results.filter((r) => r.killed).length;
  const seconds = Math.round((Date.now() - t0) / 1000);

  if (opt.report) writeReport(results, killed, seconds);
  const survivors = results.filter((r) => !r.killed);
  for (const s of survivors) console.log(`survivor: ${s.id} — ${s.description} (tests: ${s.tests.join(', ')})`);
  console.log(`mutants: ${killed} killed of ${results.length}`);
  process.exit(survivors.length === 0 ? 0 : 1);
}

function writeReport(results, killed, seconds) {
  const date = new Date().toISOString();
  const json = { schema: 'raftrace.mutants/1', date, node: process.version, seconds, killed, total: results.length, mutants: results };
  const md = [
    '# Mutation check (`npm run mutants`)',
    '',
    `${date} · Node ${process.version} · ${seconds} s · **${killed} killed of ${results.length}**`,
    '',
    'Each mutant is one realistic bug planted in a copy of the compiled tree and run against the',
    'tests named for it; killed = those tests failed. Catalog: `scripts/mutants/*.mjs`.',
    '',
    '| mutant | area | bug | killed by | s |',
    '|---|---|---|---|---|',
    ...results.map((r) => `| \`${r.id}\` | ${r.area} | ${r.description.replaceAll('|', '\\|')} | ${r.killed ? r.tests.map((t) => `\`${t}\``).join('<br>') + (r.by === 'timeout' ? ' (timeout)' : '') : '**SURVIVED**'} | ${r.seconds} |`),
    '',
  ].join('\n');
  for (const [name, body] of [
    ['mutants.json', JSON.stringify(json, null, 2) + '\n'],
    ['mutants.md', md],
  ]) {
    const p = join(root, 'reports', name);
    writeFileSync(p + '.tmp', body);
    renameSync(p + '.tmp', p);
  }
}

await main();
