import { execFileSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Prng } from '../../src/env/prng.js';

/** Exit codes the CLI and the bench document (src/cli/exit-codes.ts). */
export const DOCUMENTED_EXITS = [0, 1, 2, 3, 4, 5, 130] as const;

/** One hostile case: what to run, in which environment, and what it may end with. */
export interface TortureCase {
  readonly name: string;
  /** `run` for the CLI, `bench` for dist/bench/main.js. */
  readonly program: 'run' | 'bench';
  /** Arguments after the program; `$T` is the case's private dir. */
  readonly args: readonly string[];
  /** Extra environment; `$T` as above. TMPDIR defaults to `$T/tmp`. */
  readonly env?: Readonly<Record<string, string>>;
  /** A shell prefix such as `ulimit -n 64;` (run through /bin/sh). */
  readonly shellPrefix?: string;
  /** Prepares `$T` (files, FIFOs). */
  readonly setup?: (dir: string) => Promise<void>;
  /** Signals to send, at these ms after the start (the second one tests "exit at once"). */
  readonly signals?: readonly { readonly atMs: number; readonly sig: 'SIGINT' | 'SIGTERM' }[];
  /** Exit codes this case may end with (a subset of DOCUMENTED_EXITS). */
  readonly allowed: readonly number[];
  /** Paths under `$T` the case may create or change (everything else must stay as it was). */
  readonly outputs: readonly string[];
  /** A result file under `$T` to validate when present. */
  readonly result?: string;
  /** stdout goes to /dev/full. */
  readonly stdoutFull?: boolean;
}

const SMALL = ['--groups', '12', '--concurrency', '4', '--time-scale-ms', '2', '--observe-nats-seconds', '5', '--no-progress', '--workers', '2'];
const STRATEGIES = ['racy', 'locked', 'inflight', 'cas'] as const;
const pick = <T>(p: Prng, xs: readonly T[]): T => xs[p.intBetween(0, xs.length - 1)]!;
const mkfifo = (path: string): void => void execFileSync('mkfifo', [path]);

/** Values that no numeric flag accepts. */
const BAD_NUMBERS = ['-1', 'NaN', '1e999', '', ' ', '0x', '1,2,3', '\u001b[31m5', 'x'.repeat(5000), '4294967296', '1.5.2'];
const NUMERIC_FLAGS = ['--groups', '--concurrency', '--callers', '--servers', '--workers', '--seed', '--disk-eio-rate', '--time-scale-ms', '--wait-timeout-ms'];

/** Hostile --config contents (all must be refused with exit 2). */
const BAD_CONFIGS: readonly ((dir: string) => Promise<void>)[] = [
  (d) => writeFile(join(d, 'c.json'), '{"__proto__": {"groups": 1}}'),
  (d) => writeFile(join(d, 'c.json'), '{"constructor": 1}'),
  (d) => writeFile(join(d, 'c.json'), `{"servers": ${'['.repeat(100_000)}${']'.repeat(100_000)}}`),
  (d) => writeFile(join(d, 'c.json'), `{"${'k'.repeat(1_500_000)}": 1}`),
  (d) => writeFile(join(d, 'c.json'), '{"\u001b]0;pwned\u0007": 1}'),
  (d) => writeFile(join(d, 'c.json'), Buffer.from([0xff, 0xfe, 0x00, 0x1b, 0x5b, 0x32, 0x4a])),
  (d) => writeFile(join(d, 'c.json'), '[1, 2, 3]'),
  (d) => writeFile(join(d, 'c.json'), '{"servers": 1e400}'),
  async (d) => mkfifo(join(d, 'c.json')),
  (d) => mkdir(join(d, 'c.json')),
];

/**
 * The case of index `i`, drawn from `p`. Classes: bad flags, bad config files, bad output
 * locations, bad environment (TMPDIR, fd limit), disk faults, signals at random points of `run`,
 * bad bench flags, and (long runs only) signals at random points of the bench.
 */
export function drawCase(p: Prng, i: number, long: boolean): TortureCase {
  const classes = ['flag', 'config', 'output', 'log', 'tmpdir', 'fds', 'faults', 'signal', 'signal', 'bench-flag', 'stdout-full', ...(long ? ['bench-signal'] : [])];
  const kind = classes[i % classes.length]!;
  const strategy = pick(p, STRATEGIES);
  const seed = String(p.intBetween(0, 1_000_000));
  switch (kind) {
    case 'flag': {
      const flag = pick(p, NUMERIC_FLAGS);
      const value = pick(p, BAD_NUMBERS);
      return { name: `bad flag ${flag} ${JSON.stringify(value.slice(0, 12))}`, program: 'run', args: [...SMALL, flag, value], allowed: [2], outputs: [] };
    }
    case 'config': {
      const k = p.intBetween(0, BAD_CONFIGS.length - 1);
      return { name: `bad config #${k}`, program: 'run', args: [...SMALL, '--config', '$T/c.json', '--out', '$T/r.json'], setup: BAD_CONFIGS[k]!, allowed: [2], outputs: [] };
    }
    case 'output': {
      const [target, out] = pick(p, [['fifo', '$T/fifo'], ['dir', '$T'], ['under-file', '$T/file/r.json'], ['proc', '/proc/raftrace-torture.json'], ['link-to-fifo', '$T/link'], ['dangling-link', '$T/dangling']] as const);
      return {
        name: `--out ${target}`, program: 'run', args: [...SMALL, '--strategy', strategy, '--out', out], allowed: [2], outputs: [],
        setup: async (d) => {
          mkfifo(join(d, 'fifo'));
          await writeFile(join(d, 'file'), 'x');
          execFileSync('ln', ['-s', join(d, 'fifo'), join(d, 'link')]);
          execFileSync('ln', ['-s', join(d, 'nowhere', 'x'), join(d, 'dangling')]);
        },
      };
    }
    case 'log': {
      const prefix = pick(p, ['$T/logs/', '$T/file/raft', '/proc/raftrace/raft', '$T/w']);
      return { name: `--log ${prefix}`, program: 'run', args: [...SMALL, '--log', prefix], allowed: [2], outputs: [], setup: async (d) => {
        await writeFile(join(d, 'file'), 'x');
        await mkdir(join(d, 'w.w0.log'));
      } };
    }
    case 'tmpdir': {
      const t = pick(p, ['$T/missing', '$T/file', '/proc']);
      return { name: `TMPDIR ${t}`, program: 'run', args: SMALL, env: { TMPDIR: t }, allowed: [2], outputs: [], setup: (d) => writeFile(join(d, 'file'), 'x') };
    }
    case 'fds':
      return { name: 'ulimit -n 64', program: 'run', args: [...SMALL, '--strategy', strategy, '--seed', seed, '--out', '$T/r.json'], shellPrefix: 'ulimit -n 64;', allowed: [0, 2, 4, 5], outputs: ['r.json'], result: 'r.json' };
    case 'faults': {
      const rate = pick(p, ['0.05', '0.5', '1']);
      return { name: `--disk-eio-rate ${rate} (${strategy})`, program: 'run', args: [...SMALL, '--strategy', strategy, '--seed', seed, '--disk-eio-rate', rate, '--out', '$T/r.json'], allowed: [0, 4, 5], outputs: ['r.json'], result: 'r.json' };
    }
    case 'signal': {
      const sig = pick(p, ['SIGINT', 'SIGTERM'] as const);
      const first = p.intBetween(300, 4000);
      const twice = p.chance(0.3);
      const latency = pick(p, ['0', '0,0.2', '5,50', '2000']);
      return {
        name: `${sig}${twice ? ' twice' : ''} at ${first} ms (${strategy}, disk ${latency} ms)`, program: 'run',
        args: ['--groups', '100000', '--concurrency', String(pick(p, [4, 64, 512])), '--callers', String(pick(p, [2, 16])), '--time-scale-ms', '2', '--no-progress', '--workers', '2', '--strategy', strategy, '--seed', seed, '--disk-latency-ms', latency, '--out', '$T/r.json'],
        signals: [{ atMs: first, sig }, ...(twice ? [{ atMs: first + p.intBetween(0, 300), sig: 'SIGINT' as const }] : [])],
        // Before the handler is installed a signal kills the process at once (no result, nothing written): allowed, reported as 130 by the shell.
        allowed: [130, 0], outputs: ['r.json'], result: 'r.json',
      };
    }
    case 'bench-flag': {
      const args = pick(p, [['--seed', '4294967296'], ['--seed', '-1'], ['--skip', 'matrix'], ['--skip', 'matrix,experiments,micro,host,calibration'], ['--skip', 'nope'], ['--smoke', '--skip', '--out', '$T/r'], ['--repeats', '0'], ['--soak', '--skip', 'micro'], ['--out', '$T/file']]);
      return { name: `bench ${args.join(' ')}`, program: 'bench', args, allowed: [2], outputs: [], setup: (d) => writeFile(join(d, 'file'), 'x') };
    }
    case 'stdout-full':
      return { name: 'stdout on /dev/full', program: 'run', args: [...SMALL, '--strategy', strategy, '--seed', seed, '--out', '$T/r.json'], stdoutFull: true, allowed: [4], outputs: ['r.json'], result: 'r.json' };
    default: {
      const at = p.intBetween(500, 20_000);
      return {
        name: `bench SIGINT at ${at} ms`, program: 'bench', args: ['--smoke', '--seed', seed, '--out', '$T/reports', '--micro-ops', '500', '--groups', '6'],
        signals: [{ atMs: at, sig: pick(p, ['SIGINT', 'SIGTERM'] as const) }], allowed: [0, 5, 130], outputs: ['reports'],
      };
    }
  }
}
