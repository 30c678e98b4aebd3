import { spawn } from 'node:child_process';
import { closeSync, openSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import { Prng } from '../../src/env/prng.js';
import { RESULT_JSON_SCHEMA } from '../../src/scenario/result.js';
import { DOCUMENTED_EXITS, drawCase, type TortureCase } from './cases.js';

const CLI = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));
const BENCH = fileURLToPath(new URL('../main.js', import.meta.url));
/** A case still running this long after its last signal (or its start) is a hang. */
const HANG_MS = { afterSignal: 15_000, run: 60_000, bench: 240_000 };
/** Time a detached temp cleaner may take after the process ended. */
const CLEANUP_GRACE_MS = 5000;

const validate = new Ajv({ allErrors: true, strict: false }).compile(RESULT_JSON_SCHEMA);

export interface TortureOptions {
  readonly cases: number;
  readonly seed: number;
  /** Include the bench signal cases (minutes each; the soak's long run). */
  readonly long?: boolean;
  readonly signal?: AbortSignal;
  readonly onCase?: (i: number, c: TortureCase, problems: readonly string[], ms: number) => void;
}

export interface TortureReport {
  readonly cases: number;
  readonly failures: number;
  readonly seconds: number;
  readonly failed: readonly { readonly index: number; readonly name: string; readonly problems: readonly string[] }[];
}

/** Runs `cases` hostile cases drawn from `seed` one after another and checks every invariant of each. */
export async function runTorture(o: TortureOptions): Promise<TortureReport> {
  const t0 = performance.now();
  const prng = new Prng(o.seed).fork('torture');
  const failed: { index: number; name: string; problems: string[] }[] = [];
  let ran = 0;
  for (let i = 0; i < o.cases && !o.signal?.aborted; i++) {
    const c = drawCase(prng, i, o.long ?? o.cases > 30);
    const t = performance.now();
    const problems = await runCase(c).catch((e: unknown) => [`the torture runner itself failed: ${String(e)}`]);
    ran++;
    if (problems.length > 0) failed.push({ index: i, name: c.name, problems });
    o.onCase?.(i, c, problems, performance.now() - t);
  }
  return { cases: ran, failures: failed.length, seconds: (performance.now() - t0) / 1000, failed };
}

/** One case in a private dir; returns the invariants it broke (none: passed). */
async function runCase(c: TortureCase): Promise<string[]> {
  const dir = await mkdtemp(join(tmpdir(), 'raftrace-torture-'));
  const tmp = join(dir, 'tmp');
  await mkdir(tmp);
  try {
    await c.setup?.(dir);
    const before = snapshot(dir);
    const sub = (s: string): string => s.replaceAll('$T', dir);
    const r = await spawnCase(c, sub, tmp);
    const problems: string[] = [];
    const code = r.code ?? (r.signal === 'SIGINT' || r.signal === 'SIGTERM' ? -1 : null);
    if (r.hung) problems.push(`hang: still running ${r.hungAfter}, killed`);
    else if (code === -1) {
      // Killed by our own signal before the handler was installed: allowed only if nothing was written.
      if (c.result !== undefined && (await readFile(join(dir, c.result)).then(() => true, () => false))) problems.push('killed by the signal, yet a result was written');
    } else if (code === null || !(DOCUMENTED_EXITS as readonly number[]).includes(code)) problems.push(`exit ${String(r.code)}/${String(r.signal)} is not a documented exit code`);
    else if (!c.allowed.includes(code)) problems.push(`exit ${code}, allowed ${c.allowed.join('/')}`);
    if (/^\s+at .+:\d+:\d+\)?$/m.test(r.stderr)) problems.push('a stack trace on stderr');
    if (code === 2 && r.stderr.split('\n').filter((l) => l !== '').length > 3) problems.push(`bad input took ${r.stderr.split('\n').length} stderr lines`);
    if (code === 2 && c.program === 'run' && /^seed /m.test(r.stderr)) problems.push('bad input found only after the run started');
    if (r.stderr.includes('\u001b')) problems.push('a raw ESC on stderr');
    if (code === 2 && !/^raftrace: /m.test(r.stderr)) problems.push('bad input without a `raftrace: ` line');
    if (c.result !== undefined) problems.push(...(await checkResult(join(dir, c.result), code)));
    // Nothing left: no temp tree, no process naming the case dir.
    const deadline = performance.now() + CLEANUP_GRACE_MS;
    let left = leftovers(tmp);
    while ((left.length > 0 || processesIn(dir).length > 0) && performance.now() < deadline) {
      await new Promise((res) => setTimeout(res, 100));
      left = leftovers(tmp);
    }
    if (left.length > 0) problems.push(`left in TMPDIR: ${left.join(', ')}`);
    const procs = processesIn(dir);
    if (procs.length > 0) problems.push(`processes left: ${procs.join(', ')}`);
    const after = snapshot(dir);
    for (const [path, sig] of after) {
      if (path.startsWith('tmp') || c.outputs.some((o) => path === o || path.startsWith(`${o}/`))) continue;
      if (before.get(path) !== sig) problems.push(`touched ${path} (not a named output)`);
    }
    for (const path of before.keys()) if (!after.has(path) && !c.outputs.includes(path)) problems.push(`removed ${path}`);
    if (problems.length > 0) problems.push(`stderr: ${r.stderr.slice(0, 400).replace(/\n/g, ' | ')}`);
    return problems;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function checkResult(path: string, code: number | null): Promise<string[]> {
  const text = await readFile(path, 'utf8').catch(() => null);
  if (text === null) return code === 0 || code === 3 || code === 5 ? ['a finished run wrote no result'] : [];
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return ['a half-written result file'];
  }
  if (!validate(v)) return ['a result file that does not match the schema'];
  const r = v as { partial: boolean; verdict: { outcome: string }; strategy: string };
  const out: string[] = [];
  if (code === 130 && !r.partial) out.push('interrupted, yet the result is not marked partial');
  if (r.strategy !== 'racy' && r.verdict.outcome === 'forbidden') out.push(`FORBIDDEN outcome under ${r.strategy}`);
  return out;
}

interface Ended { code: number | null; signal: NodeJS.Signals | null; stderr: string; hung: boolean; hungAfter: string }

function spawnCase(c: TortureCase, sub: (s: string) => string, tmp: string): Promise<Ended> {
  const script = c.program === 'run' ? [CLI, 'run'] : [BENCH];
  const argv = [...script, ...c.args.map(sub)];
  const env: NodeJS.ProcessEnv = { ...process.env, TMPDIR: tmp, NO_COLOR: '1' };
  for (const [k, v] of Object.entries(c.env ?? {})) env[k] = sub(v);
  const full = c.stdoutFull ? openSync('/dev/full', 'w') : null;
  const stdio: ('ignore' | 'pipe' | number)[] = ['ignore', full ?? 'ignore', 'pipe'];
  const child = c.shellPrefix
    ? spawn('/bin/sh', ['-c', `${c.shellPrefix} exec "$0" "$@"`, process.execPath, ...argv], { env, stdio })
    : spawn(process.execPath, argv, { env, stdio });
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (d: string) => (stderr = (stderr + d).slice(-20_000)));
  const timers: NodeJS.Timeout[] = [];
  let hung = false;
  let hungAfter = '';
  const lastSignal = Math.max(0, ...(c.signals ?? []).map((s) => s.atMs));
  const hangAt = c.signals?.length ? lastSignal + HANG_MS.afterSignal : c.program === 'bench' ? HANG_MS.bench : HANG_MS.run;
  for (const s of c.signals ?? []) timers.push(setTimeout(() => child.kill(s.sig), s.atMs));
  timers.push(setTimeout(() => {
    hung = true;
    hungAfter = c.signals?.length ? `${HANG_MS.afterSignal} ms after the last signal` : `${hangAt} ms`;
    child.kill('SIGKILL');
  }, hangAt));
  return new Promise((resolve) => {
    child.on('close', (code, signal) => {
      for (const t of timers) clearTimeout(t);
      if (full !== null) closeSync(full);
      resolve({ code, signal, stderr, hung, hungAfter });
    });
  });
}

/** path (relative) → kind:size:mtime for everything under `dir`, not following links. */
function snapshot(dir: string, rel = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const e of readdirSync(join(dir, rel), { withFileTypes: true })) {
    const p = rel === '' ? e.name : `${rel}/${e.name}`;
    if (e.isDirectory()) {
      out.set(p, 'dir');
      for (const [k, v] of snapshot(dir, p)) out.set(k, v);
    } else if (e.isFIFO()) out.set(p, 'fifo');
    else if (e.isSymbolicLink()) out.set(p, 'link');
    else out.set(p, `file:${readFileSync(join(dir, p)).length}`);
  }
  return out;
}

function leftovers(tmp: string): string[] {
  try {
    return readdirSync(tmp).filter((n) => n.startsWith('raftrace-'));
  } catch {
    return [];
  }
}

/** Live processes whose command line names `dir` (the case's child, a detached cleaner). */
function processesIn(dir: string): string[] {
  const out: string[] = [];
  for (const pid of readdirSync('/proc').filter((n) => /^\d+$/.test(n))) {
    try {
      if (readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(dir)) out.push(pid);
    } catch {
      // gone meanwhile
    }
  }
  return out;
}
