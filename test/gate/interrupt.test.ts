/**
 * A second Ctrl-C (or SIGTERM) makes the gate call process.exit at once, skipping the async cleanup
 * of its base worktree. This drives that exit path deterministically: a child process prepares a
 * base side in a throwaway repository (real `git worktree add`, real build script) and then exits
 * with 130 without cleaning up, as the second-signal handler does. Nothing may remain: no temp tree
 * under TMPDIR and no worktree registered in the repository.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

// Relative to this compiled test, so a mutated copy of dist/ is the one exercised.
const CHECKOUT = new URL('../../src/gate/checkout.js', import.meta.url).href;

test('a gate that exits without its async cleanup (second Ctrl-C) leaves no temp tree and no registered worktree', async () => {
  const tmp = await mkdtemp(join(tmpdir(), 'gate-exit-'));
  const repo = join(tmp, 'repo');
  const temps = join(tmp, 'tmpdir');
  try {
    await mkdir(join(repo, 'node_modules'), { recursive: true });
    await mkdir(temps);
    await writeFile(join(repo, 'package.json'), JSON.stringify({ name: 'x', version: '1.0.0', private: true, scripts: { build: 'node -e "require(\'fs\').mkdirSync(\'dist\',{recursive:true})"' } }));
    await writeFile(join(repo, 'package-lock.json'), '{"lockfileVersion":3}\n');
    await writeFile(join(repo, '.gitignore'), 'node_modules/\ndist/\n');
    const git = (args: string[]): string => execFileSync('git', args, { cwd: repo, encoding: 'utf8', env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t.invalid', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t.invalid' } });
    git(['init', '-q', '-b', 'main']);
    git(['add', '.']);
    git(['commit', '-qm', 'base']);
    const script = `
      const { prepareCommit } = await import(${JSON.stringify(CHECKOUT)});
      const side = await prepareCommit(${JSON.stringify(repo)}, 'HEAD', ${JSON.stringify(repo)}, 'base');
      const { existsSync } = await import('node:fs');
      if (!existsSync(side.root)) { console.error('no worktree was made'); process.exit(9); }
      console.log('prepared ' + side.root);
      process.exit(130); // what the second-signal handler does: no await of side.cleanup()
    `;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { env: { ...process.env, TMPDIR: temps }, encoding: 'utf8', timeout: 120_000 });
    assert.equal(r.status, 130, `child: ${r.stdout}${r.stderr}`);
    assert.match(r.stdout, /^prepared .*raftrace-gate-base-/m);
    assert.deepEqual(await readdir(temps), [], 'the temp tree was removed on the way out');
    const registered = git(['worktree', 'list', '--porcelain']).split('\n').filter((l) => l.startsWith('worktree '));
    assert.equal(registered.length, 1, `only the main worktree is registered: ${registered.join(', ')}`);
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
});
