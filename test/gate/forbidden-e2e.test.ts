/**
 * The forbidden link end to end through the gate, as CI runs it: a real `raftrace gate` (worktree
 * for the base, fresh benchmark processes) over the test hook's `churn.broken-cas`, a strategy that
 * claims atomicity and duplicates for certain in its run shape. Correctness is never statistical:
 * the gate must exit 3 after the first forbidden process, whatever the timings, say so in every
 * output, and leave no worktree behind.
 *
 * Needs this project as a git checkout (CI's clean clone is one); elsewhere it is skipped with the
 * reason. The base is HEAD: on a clean checkout the working tree's build is reused (no second
 * build); on a dirty one HEAD is built once and cached by tree hash.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { EXIT } from '../../src/cli/exit-codes.js';
import { TEST_HOOKS_ENV } from '../../src/env/test-hooks.js';

const MAIN = resolve('dist', 'src', 'cli', 'main.js');

function gitRoot(): string | null {
  try {
    return execFileSync('git', ['rev-parse', '--show-toplevel'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null;
  }
}

// Only the gate's own base worktrees (prepareCommit's `raftrace-gate-<label>-` temp dirs): a developer
// or another tool adding a worktree of this repository meanwhile is not the gate's doing.
const gateWorktrees = (root: string): string[] =>
  execFileSync('git', ['worktree', 'list', '--porcelain'], { cwd: root, encoding: 'utf8' })
    .split('\n')
    .filter((l) => l.startsWith('worktree ') && l.includes('raftrace-gate-'));

const root = gitRoot();
test('raftrace gate: a forbidden outcome (broken-cas under the test hook) exits 3 in every output, timings aside', { skip: root === null || resolve(root) !== resolve('.') ? 'not run from the root of a git checkout of raftrace' : false, timeout: 240_000 }, async () => {
  const out = await mkdtemp(join(tmpdir(), 'gate-forbidden-'));
  try {
    const before = gateWorktrees(root!);
    const r = spawnSync(process.execPath, [MAIN, 'gate', '--base', 'HEAD', '--only', 'churn.broken-cas', '--rounds', '4', '--max-rounds', '4', '--out-dir', out], {
      cwd: root!, encoding: 'utf8', timeout: 230_000, env: { ...process.env, [TEST_HOOKS_ENV]: '1', NO_COLOR: '1' },
    });
    assert.equal(r.status, EXIT.forbidden, `exit code; stderr:\n${r.stderr}`);
    const g = JSON.parse(await readFile(join(out, 'gate.json'), 'utf8')) as { status: string; correctness: { forbidden: boolean; records: { benchmark: string; outcome: string; duplicates: number }[] } };
    assert.equal(g.status, 'forbidden');
    assert.equal(g.correctness.forbidden, true);
    const rec = g.correctness.records.filter((c) => c.outcome === 'forbidden');
    assert.ok(rec.length >= 1 && rec.every((c) => c.benchmark === 'churn.broken-cas' && c.duplicates > 0), JSON.stringify(g.correctness));
    // The gate stops at the first forbidden process rather than finishing its rounds.
    assert.equal(g.correctness.records.length, 1, 'rounds stop on the first forbidden outcome');
    const junit = await readFile(join(out, 'junit.xml'), 'utf8');
    assert.match(junit, /name="no forbidden outcome in base or head" time="0"><failure type="forbidden"/);
    assert.match(await readFile(join(out, 'gate.md'), 'utf8'), /forbidden/i);
    assert.deepEqual(gateWorktrees(root!), before, 'the base worktree was removed');
  } finally {
    await rm(out, { recursive: true, force: true });
  }
});
