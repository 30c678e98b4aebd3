import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { acceptedRegressions, defaultBase, isDirty, resolveCommit } from '../../src/gate/git.js';

function repo(dir: string): (args: string[]) => string {
  return (args) => execFileSync('git', args, { cwd: dir, encoding: 'utf8', env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t.invalid', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t.invalid' } }).trim();
}

test('trailers, default base, bad refs and dirt, on a real temp repository', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'gate-git-'));
  try {
    const g = repo(dir);
    g(['init', '-q', '-b', 'main']);
    await writeFile(join(dir, 'a.txt'), '1');
    g(['add', '.']);
    g(['commit', '-qm', 'one']);
    assert.equal(await defaultBase(dir), null, 'one commit: nothing to compare with');
    const first = g(['rev-parse', 'HEAD']);
    await writeFile(join(dir, 'a.txt'), '2');
    g(['commit', '-qam', 'slower on purpose\n\nPerf-Regression-Accepted: goc.cas.2t-shared bigger records, needed for #12\nPerf-Regression-Accepted: registry.lookup-hit  hash of longer names']);
    await writeFile(join(dir, 'a.txt'), '3');
    g(['commit', '-qam', 'no trailer here\n\nSigned-off-by: t <t@t.invalid>']);
    const acc = await acceptedRegressions(dir, first, 'HEAD');
    assert.deepEqual([...acc].sort(), [['goc.cas.2t-shared', 'bigger records, needed for #12'], ['registry.lookup-hit', 'hash of longer names']]);
    assert.equal((await acceptedRegressions(dir, 'HEAD~1', 'HEAD')).size, 0, 'only commits in base..head count');
    // On the default branch itself the merge-base is HEAD: fall back to HEAD~1.
    assert.equal((await defaultBase(dir))!.ref, g(['rev-parse', 'HEAD~1']));
    g(['checkout', '-qb', 'feature']);
    await writeFile(join(dir, 'b.txt'), 'x');
    g(['add', '.']);
    g(['commit', '-qm', 'feature work']);
    const d = (await defaultBase(dir))!;
    assert.equal(d.ref, g(['rev-parse', 'main']));
    assert.match(d.why, /merge-base of HEAD and main/);
    assert.equal(await resolveCommit(dir, 'no-such-ref'), null);
    assert.equal(await resolveCommit(dir, '--help'), null, 'a flag is never a ref');
    assert.equal(await resolveCommit(dir, 'HEAD~1'), g(['rev-parse', 'HEAD~1']));
    assert.equal(await isDirty(dir), false);
    await writeFile(join(dir, 'a.txt'), 'changed');
    assert.equal(await isDirty(dir), true);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
