import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import { RESULT_JSON_SCHEMA, type ScenarioResult } from '../../src/scenario/result.js';

/** The compiled CLI, next to this compiled file: dist/test/cli → dist/src/cli/main.js. */
export const CLI = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));

/** Small, fast runs: a few hundred ms of churn each. */
export const SMALL = ['--groups', '12', '--concurrency', '4', '--time-scale-ms', '2', '--observe-nats-seconds', '5', '--no-progress'];

/** A child's own temp dir (its TMPDIR) and a place for --out files, created fresh per child. */
export async function freshTmp(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'raftrace-cli-test-'));
}

export interface CliRun {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
}

export interface Spawned {
  readonly child: ChildProcess;
  /** Resolves with the first stderr text matching `re` (rejects if the child ends first). */
  waitForStderr(re: RegExp): Promise<string>;
  readonly done: Promise<CliRun>;
}

/** Starts the CLI with TMPDIR pointing at `tmp`; a hard timeout kills it so no test hangs. */
export function spawnCli(args: readonly string[], tmp: string, timeoutMs = 30_000): Spawned {
  const t0 = performance.now();
  const env: NodeJS.ProcessEnv = { ...process.env, TMPDIR: tmp, TMP: tmp, TEMP: tmp, NO_COLOR: '1' };
  const child = spawn(process.execPath, [CLI, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  const watchers: { re: RegExp; resolve: (s: string) => void }[] = [];
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => {
    stderr += d;
    for (const w of watchers.splice(0)) {
      const m = w.re.exec(stderr);
      if (m) w.resolve(m[0]);
      else watchers.push(w);
    }
  });
  const killer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const done = new Promise<CliRun>((resolve) => {
    child.on('close', (code, signal) => {
      clearTimeout(killer);
      resolve({ code, signal, stdout, stderr, ms: performance.now() - t0 });
    });
  });
  return {
    child,
    done,
    waitForStderr: (re) =>
      new Promise<string>((resolve, reject) => {
        const m = re.exec(stderr);
        if (m) return resolve(m[0]);
        watchers.push({ re, resolve });
        void done.then(() => reject(new Error(`CLI ended before stderr matched ${String(re)}; stderr:\n${stderr}`)));
      }),
  };
}

/** Runs the CLI to its end in a fresh TMPDIR. */
export async function runCli(args: readonly string[], tmp?: string, timeoutMs?: number): Promise<CliRun & { readonly tmp: string }> {
  const dir = tmp ?? (await freshTmp());
  const r = await spawnCli(args, dir, timeoutMs).done;
  return { ...r, tmp: dir };
}

/** Temp trees a run may leave behind: the run stores and the CLI's private parent dir. */
export async function leftovers(tmp: string): Promise<string[]> {
  return (await readdir(tmp)).filter((n) => n.startsWith('raftrace-run-') || n.startsWith('raftrace-cli-'));
}

export async function removeTmp(tmp: string): Promise<void> {
  await rm(tmp, { recursive: true, force: true });
}

const ajv = new Ajv({ allErrors: true, strict: false });
const validate = ajv.compile<ScenarioResult>(RESULT_JSON_SCHEMA);

/** Parses a result and checks it against RESULT_JSON_SCHEMA; throws with ajv's errors if it does not fit. */
export function parseResult(text: string): ScenarioResult {
  const v: unknown = JSON.parse(text);
  if (!validate(v)) throw new Error(`result does not match RESULT_JSON_SCHEMA: ${ajv.errorsText(validate.errors)}`);
  return v;
}
