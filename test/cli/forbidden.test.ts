/**
 * The last links of the forbidden chain, as CI sees them: `raftrace run` and the bench exit 3 when
 * a strategy that claims atomicity leaks (broken-cas, a test hook), and both refuse the hook
 * without RAFTRACE_TEST_HOOKS=1. The bench's exit-code precedence (exitCodeFor) is tested in hardening-bench.test.ts.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, test } from 'node:test';
import { EXIT } from '../../src/cli/exit-codes.js';
import { TEST_HOOKS_ENV } from '../../src/env/test-hooks.js';
import type { ScenarioResult } from '../../src/scenario/result.js';
import { FORBIDDEN_RUN_FLAGS } from '../fixtures/forbidden-run.js';
import { freshTmp, leftovers, parseResult, removeTmp, runCli } from './cli-harness.js';

const BENCH = fileURLToPath(new URL('../../bench/main.js', import.meta.url));

/** Runs the CLI with or without the test hooks (the harness passes process.env on). */
async function withHooks<T>(on: boolean, f: () => Promise<T>): Promise<T> {
  const saved = process.env[TEST_HOOKS_ENV];
  if (on) process.env[TEST_HOOKS_ENV] = '1';
  else delete process.env[TEST_HOOKS_ENV];
  try {
    return await f();
  } finally {
    if (saved === undefined) delete process.env[TEST_HOOKS_ENV];
    else process.env[TEST_HOOKS_ENV] = saved;
  }
}

function runBench(args: readonly string[], env: NodeJS.ProcessEnv, timeoutMs = 120_000): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BENCH, ...args], { env: { ...process.env, NO_COLOR: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (out += d));
    const killer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code) => {
      clearTimeout(killer);
      resolve({ code, out });
    });
  });
}

describe('raftrace run --strategy broken-cas', () => {
  test('with RAFTRACE_TEST_HOOKS=1: exit 3, the result on --out says forbidden and counts the duplicates', async () => {
    const tmp = await freshTmp();
    try {
      const out = join(tmp, 'result.json');
      const r = await withHooks(true, () => runCli(['run', '--strategy', 'broken-cas', ...FORBIDDEN_RUN_FLAGS, '--out', out], tmp, 60_000));
      assert.equal(r.code, EXIT.forbidden, `exit code; stderr:\n${r.stderr}`);
      assert.match(r.stdout, /^ {2}verdict +FORBIDDEN \(a duplicate or leak under the atomic strategy broken-cas\)$/m);
      const res = parseResult(await readFile(out, 'utf8'));
      assert.equal(res.strategy, 'broken-cas');
      assert.equal(res.verdict.outcome, 'forbidden');
      assert.ok(res.counts.duplicates > 0 && res.leaks.orphansAtEnd > 0, JSON.stringify(res.counts));
      assert.deepEqual(await leftovers(tmp), []);
    } finally {
      await removeTmp(tmp);
    }
  });

  test('without the hooks: bad input (exit 2) in one line that does not name the hidden strategy; --help never lists it', async () => {
    const r = await withHooks(false, () => runCli(['run', '--strategy', 'broken-cas', ...FORBIDDEN_RUN_FLAGS]));
    try {
      assert.equal(r.code, EXIT.badInput, r.stderr);
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
      assert.match(r.stderr, /^raftrace: --strategy: must be one of racy, locked, inflight, cas; got "broken-cas"/);
      assert.equal(r.stdout, '');
    } finally {
      await removeTmp(r.tmp);
    }
    const help = await withHooks(true, () => runCli(['run', '--help']));
    try {
      assert.equal(help.code, EXIT.ok);
      assert.match(help.stdout, /--strategy/);
      assert.doesNotMatch(help.stdout + help.stderr, /broken/);
    } finally {
      await removeTmp(help.tmp);
    }
  });
});

describe('the bench and a forbidden outcome', () => {
  test('npm run bench -- --smoke with broken-cas in the matrix (test hook): exit 3, the report says FORBIDDEN', async () => {
    const tmp = await freshTmp();
    try {
      const args = ['--smoke', '--skip', 'micro,host,experiments,calibration', '--groups', '4', '--test-strategies', 'broken-cas', '--out', tmp];
      const r = await runBench(args, { [TEST_HOOKS_ENV]: '1' });
      assert.equal(r.code, EXIT.forbidden, r.out);
      const report = JSON.parse(await readFile(join(tmp, 'latest.json'), 'utf8')) as { forbidden: boolean; matrix: { runs: ScenarioResult[] } };
      assert.equal(report.forbidden, true);
      assert.ok(report.matrix.runs.length > 0 && report.matrix.runs.every((x) => x.strategy === 'broken-cas'));
      assert.ok(report.matrix.runs.some((x) => x.verdict.outcome === 'forbidden'));
      assert.match(await readFile(join(tmp, 'latest.md'), 'utf8'), /\*\*FORBIDDEN OUTCOME\*\*/);
      // Without the hooks the hidden flag does not exist.
      const refused = await runBench(args, { [TEST_HOOKS_ENV]: '' }, 30_000);
      assert.equal(refused.code, EXIT.badInput, refused.out);
    } finally {
      await removeTmp(tmp);
    }
  });
});
