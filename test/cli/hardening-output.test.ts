import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { openSync, closeSync } from 'node:fs';
import { lstat, readFile, readlink, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { CLI, freshTmp, leftovers, parseResult, removeTmp, runCli, SMALL } from './cli-harness.js';

describe('hardening: results are never lost and nothing else is touched', () => {
  test('stdout on a full device: one line, exit 4, no stack trace, and --out still written', async () => {
    const tmp = await freshTmp();
    const full = openSync('/dev/full', 'w');
    try {
      const out = join(tmp, 'r.json');
      const r = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
        const child = spawn(process.execPath, [CLI, 'run', ...SMALL, '--strategy', 'cas', '--seed', '3', '--out', out], {
          env: { ...process.env, TMPDIR: tmp, NO_COLOR: '1' },
          stdio: ['ignore', full, 'pipe'],
        });
        let stderr = '';
        child.stderr?.setEncoding('utf8').on('data', (d: string) => (stderr += d));
        const killer = setTimeout(() => child.kill('SIGKILL'), 30_000);
        child.on('close', (code) => {
          clearTimeout(killer);
          resolve({ code, stderr });
        });
      });
      assert.equal(r.code, 4, r.stderr);
      assert.match(r.stderr, /^raftrace: stdout: could not write the result: ENOSPC$/m);
      assert.doesNotMatch(r.stderr, /^\s+at /m, 'no stack trace');
      assert.equal(parseResult(await readFile(out, 'utf8')).seed, 3);
      assert.deepEqual(await leftovers(tmp), []);
    } finally {
      closeSync(full);
      await removeTmp(tmp);
    }
  });

  test('--out through a symlink: the link stays, the file it names gets the result', async () => {
    const tmp = await freshTmp();
    try {
      await writeFile(join(tmp, 'real.json'), 'old');
      await symlink(join(tmp, 'real.json'), join(tmp, 'link.json'));
      const r = await runCli(['run', ...SMALL, '--strategy', 'cas', '--seed', '4', '--out', join(tmp, 'link.json')], tmp);
      assert.equal(r.code, 0, r.stderr);
      assert.ok((await lstat(join(tmp, 'link.json'))).isSymbolicLink(), 'the link is kept');
      assert.equal(await readlink(join(tmp, 'link.json')), join(tmp, 'real.json'));
      assert.equal(parseResult(await readFile(join(tmp, 'real.json'), 'utf8')).seed, 4);
    } finally {
      await removeTmp(tmp);
    }
  });
});
