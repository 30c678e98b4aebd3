import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';

const MAIN = resolve('dist', 'src', 'cli', 'main.js');

/** Bad input to `raftrace gate`: one line `raftrace: <field>: ...`, exit 2, nothing built, run or written. */
test('raftrace gate: bad refs, bad flags and an unwritable out dir are one line, exit 2, nothing written', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'gate-cli-'));
  try {
    const git = (args: string[]): string => execFileSync('git', args, { cwd: dir, encoding: 'utf8', env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t.invalid', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t.invalid' } });
    git(['init', '-q', '-b', 'main']);
    await writeFile(join(dir, 'file'), 'x');
    git(['add', '.']);
    git(['commit', '-qm', 'only commit']);
    const cases: [string[], RegExp][] = [
      [['--base', 'no-such-ref'], /^raftrace: --base: must be a git ref naming a commit; got "no-such-ref"$/],
      [[], /^raftrace: --base: must be a git ref \(this repository has no parent commit to compare with\)/],
      [['--base', 'HEAD', '--head', 'nope~3'], /^raftrace: --head: must be a git ref naming a commit; got "nope~3"$/],
      [['--base', 'HEAD', '--suite', 'medium'], /^raftrace: --suite: must be quick \| full; got "medium"$/],
      [['--base', 'HEAD', '--rounds', '5'], /^raftrace: --rounds: must be an even number/],
      [['--base', 'HEAD', '--rounds', '2'], /^raftrace: --rounds: must be an integer in 4\.\.40; got "2"$/],
      [['--base', 'HEAD', '--max-rounds', '64'], /^raftrace: --max-rounds: must be an integer in 4\.\.30/],
      [['--base', 'HEAD', '--floor-pct', 'ten'], /^raftrace: --floor-pct: must be a number in 0\.5\.\.100; got "ten"$/],
      [['--base', 'HEAD', '--out-dir', join(dir, 'file', 'sub')], /^raftrace: --out-dir: must be a directory that can be created and written; got ".*" \(ENOTDIR\)$/],
      [['--base', 'HEAD', '--frobnicate'], /^raftrace: unknown option '--frobnicate'/],
    ];
    for (const [args, want] of cases) {
      const r = spawnSync(process.execPath, [MAIN, 'gate', ...args], { cwd: dir, encoding: 'utf8', timeout: 60_000 });
      assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
      const lines = r.stderr.trim().split('\n');
      assert.equal(lines.length, 1, `${args.join(' ')}: one line, got ${r.stderr}`);
      assert.match(lines[0]!, want);
      assert.equal(r.stdout, '');
    }
    assert.deepEqual((await readdir(dir)).sort(), ['.git', 'file'], 'no reports/ dir, nothing written');
    assert.equal(git(['worktree', 'list']).trim().split('\n').length, 1, 'no worktree was added');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('raftrace gate --help lists the exit codes and the trailer', () => {
  const r = spawnSync(process.execPath, [MAIN, 'gate', '--help'], { encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.status, 0);
  assert.match(r.stdout, /1 +regression/);
  assert.match(r.stdout, /Perf-Regression-Accepted: <benchmark> <reason>/);
});
