import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { EXIT, exitCodeFor } from '../../src/cli/exit-codes.js';
import { deriveSeed, SEED_MAX } from '../../src/scenario/seeds.js';

const BENCH = fileURLToPath(new URL('../../bench/main.js', import.meta.url));

function bench(args: readonly string[], tmp: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BENCH, ...args], { env: { ...process.env, TMPDIR: tmp }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const killer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('close', (code) => {
      clearTimeout(killer);
      resolve({ code, stdout, stderr });
    });
  });
}

const CASES: readonly [string, readonly string[], RegExp][] = [
  ['seed above 2^32-1', ['--seed', '4294967296'], /^raftrace: --seed: must be an integer in \[0, 4294967295\]; got "4294967296"$/],
  ['a flag where a phase was expected', ['--smoke', '--skip', '--out', 'd'], /^raftrace: --skip: .*a flag where a phase was expected\)$/],
  ['--skip matrix alone would silently skip the experiments', ['--skip', 'matrix'], /^raftrace: --skip: must be matrix together with experiments/],
  ['--skip everything', ['--skip', 'matrix,experiments', '--skip', 'micro,host,calibration'], /^raftrace: --skip: must be a list that leaves at least one phase to run/],
  ['unknown phase', ['--skip', 'nope'], /^raftrace: --skip: must be a comma-separated list of phases .*; got "nope"$/],
  ['unknown flag', ['--grups', '5'], /^raftrace: unknown option '--grups'/],
  ['--out that is a file', ['--smoke', '--out', '$T/file'], /^raftrace: --out: must be a path whose parent directories can be created/],
];

describe('hardening: the bench refuses bad input like the CLI, before running anything', { concurrency: 2 }, () => {
  for (const [name, args, names] of CASES) {
    test(name, async () => {
      const tmp = await mkdtemp(join(tmpdir(), 'raftrace-bench-flags-'));
      try {
        await writeFile(join(tmp, 'file'), 'x');
        const r = await bench(args.map((a) => a.replace('$T', tmp)), tmp);
        assert.equal(r.code, EXIT.badInput, r.stderr);
        const lines = r.stderr.split('\n').filter((l) => l !== '');
        assert.equal(lines.length, 1, r.stderr);
        assert.match(lines[0]!, names);
        assert.doesNotMatch(r.stdout, /raftrace bench/, 'nothing ran');
      } finally {
        await rm(tmp, { recursive: true, force: true });
      }
    });
  }
});

describe('hardening: seeds and the one exit-code precedence', () => {
  test('every seed derived from a valid seed is valid (seed 4294967295, any repeat)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: SEED_MAX }), fc.integer({ min: 0, max: 1_000_000 }), (s, k) => {
        const d = deriveSeed(s, k);
        return Number.isInteger(d) && d >= 0 && d <= SEED_MAX && d === (s + k) % 2 ** 32;
      }),
    );
    assert.equal(deriveSeed(SEED_MAX, 1), 0);
  });

  test('forbidden > interrupted > harness failure > inconclusive > ok, for run and bench alike', () => {
    const all = fc.record({ forbidden: fc.boolean(), interrupted: fc.boolean(), harnessFailure: fc.boolean(), inconclusive: fc.boolean() });
    fc.assert(
      fc.property(all, (f) => {
        const want = f.forbidden ? 3 : f.interrupted ? 130 : f.harnessFailure ? 4 : f.inconclusive ? 5 : 0;
        return exitCodeFor(f) === want;
      }),
    );
  });
});
