import { spawn } from 'node:child_process';
import { join } from 'node:path';

/** What one benchmark process reported. */
export interface Sample {
  readonly value: number;
  readonly correctness: { readonly strategy: string; readonly outcome: string; readonly duplicates: number; readonly orphansAtEnd: number; readonly reasons: readonly string[] } | null;
}

/** A benchmark process that failed: names the side, the benchmark and the tail of its stderr. */
export class BenchProcessError extends Error {
  override readonly name = 'BenchProcessError';
}

const TIMEOUT_MS = 120_000;

/**
 * Node flags of every benchmark process (both sides: the head's harness sets them). A 64 MiB young
 * generation instead of 16 MiB: scavenges inside a timed batch were one source of the bimodal
 * per-process values (10 fresh `cas` processes, quiet machine: 5.4% coefficient of variation with
 * it, 27% without). It changes how often the GC runs, not what the code does.
 */
export const BENCH_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=64'];

/**
 * Runs `node <root>/dist/bench/gate/run-one.js <args>` as a fresh process and returns its last
 * stdout line. The child is killed on abort and on timeout; the promise never outlives it.
 */
export function runBenchProcess(root: string, args: readonly string[], signal: AbortSignal, label: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...BENCH_NODE_FLAGS, join(root, 'dist', 'bench', 'gate', 'run-one.js'), ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err = (err + c.toString()).slice(-2000)));
    const kill = (): void => {
      child.kill('SIGKILL');
    };
    const timer = setTimeout(kill, TIMEOUT_MS);
    signal.addEventListener('abort', kill, { once: true });
    child.on('error', (e) => {
      clearTimeout(timer);
      signal.removeEventListener('abort', kill);
      reject(new BenchProcessError(`${label}: could not start: ${e.message}`));
    });
    child.on('close', (code, sig) => {
      clearTimeout(timer);
      signal.removeEventListener('abort', kill);
      if (signal.aborted) return reject(new BenchProcessError(`${label}: interrupted`));
      if (code !== 0) return reject(new BenchProcessError(`${label}: exit ${code ?? sig}: ${err.trim().split('\n').slice(-3).join(' | ')}`));
      const last = out.trim().split('\n').pop() ?? '';
      resolve(last);
    });
  });
}

/** One measurement of `name` on the side checked out at `root`. */
export async function measureOnce(root: string, name: string, signal: AbortSignal, label: string): Promise<Sample> {
  const line = await runBenchProcess(root, [name], signal, label);
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    throw new BenchProcessError(`${label}: unreadable output ${JSON.stringify(line.slice(0, 200))}`);
  }
  const s = parsed as { value?: unknown; correctness?: Sample['correctness'] };
  if (typeof s.value !== 'number' || !Number.isFinite(s.value) || s.value <= 0) throw new BenchProcessError(`${label}: bad value ${JSON.stringify(s.value)}`);
  return { value: s.value, correctness: s.correctness ?? null };
}
