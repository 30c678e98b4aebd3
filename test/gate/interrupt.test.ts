/**
 * Ctrl-C twice during a real `raftrace gate` (after the base worktree exists): exit 130 at once, and
 * still no temp tree and no registered worktree left behind. The second signal skips the async
 * cleanup, so this is the path where only the synchronous exit hook can clean up.
 *
 * Needs this project as a git checkout (CI's clean clone is one); skipped elsewhere with the reason.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { EXIT } from '../../src/cli/exit-codes.js';

const MAIN = resolve('dist', 'src', 'cli', 'main.js');

function gitRoot(): string | null {
  try {
    return execFileSync('git', ['rev-parse', '--show-toplevel'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null;
  }
}
const worktrees = (root: string): string[] => execFileSync('git', ['worktree', 'list', '--porcelain'], { cwd: root, encoding: 'utf8' }).split('\n').filter((l) => l.startsWith('worktree '));

const root = gitRoot();
test('raftrace gate: Ctrl-C twice after the base worktree exists exits 130 and leaves no worktree or temp tree', { skip: root === null || resolve(root) !== resolve('.') ? 'not run from the root of a git checkout of raftrace' : false, timeout: 240_000 }, async () => {
  const tmp = await mkdtemp(join(tmpdir(), 'gate-interrupt-'));
  const out = join(tmp, 'out');
  try {
    const before = worktrees(root!);
    const child = spawn(process.execPath, [MAIN, 'gate', '--base', 'HEAD', '--only', 'registry.lookup-hit', '--out-dir', out], {
      cwd: root!, env: { ...process.env, TMPDIR: tmp, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    const done = new Promise<number | null>((res) => child.on('close', (code) => res(code)));
    await new Promise<void>((res, rej) => {
      const killer = setTimeout(() => rej(new Error(`the gate never reached its rounds; stderr:\n${stderr}`)), 200_000);
      child.stderr.setEncoding('utf8').on('data', (d: string) => {
        stderr += d;
        if (/suite quick: 1 benchmarks/.test(stderr)) {
          clearTimeout(killer);
          res();
        }
      });
    });
    assert.equal((await readdir(tmp)).filter((n) => n.startsWith('raftrace-gate-base-')).length, 1, 'the base worktree exists under TMPDIR before the signals');
    child.kill('SIGINT');
    child.kill('SIGINT');
    assert.equal(await done, EXIT.interrupted, stderr);
    assert.match(stderr, /interrupted twice/);
    assert.deepEqual((await readdir(tmp)).filter((n) => n.startsWith('raftrace-gate-')), [], 'no temp tree left');
    assert.deepEqual(worktrees(root!), before, 'no worktree left registered');
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
});
