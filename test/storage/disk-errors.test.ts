import { test } from 'node:test';
import assert from 'node:assert/strict';
import { goErrorText, isErrnoError, makeErrnoError } from '../../src/storage/disk.js';

void test('makeErrnoError builds node-shaped errors', () => {
  const e = makeErrnoError('EIO', 'write', '/s/tav.idx');
  assert.ok(e instanceof Error);
  assert.ok(isErrnoError(e));
  assert.deepEqual([e.code, e.errno, e.syscall, e.path], ['EIO', -5, 'write', '/s/tav.idx']);
  assert.equal(e.message, "EIO: i/o error, write '/s/tav.idx'");
  const r = makeErrnoError('ENOSPC', 'rename', '/a', '/b');
  assert.equal(r.message, "ENOSPC: no space left on device, rename '/a' -> '/b'");
  assert.equal(r.dest, '/b');
  assert.equal(makeErrnoError('EACCES', 'open', '/x').errno, -13);
});

void test('goErrorText renders errors the way Go prints *os.PathError', () => {
  assert.equal(goErrorText(makeErrnoError('ENOENT', 'open', '/s/tav.idx')), 'open /s/tav.idx: no such file or directory');
  assert.equal(goErrorText(makeErrnoError('EIO', 'write', '/s/tav.idx')), 'write /s/tav.idx: input/output error');
  assert.equal(goErrorText(makeErrnoError('ENOENT', 'rename', '/a', '/b')), 'rename /a /b: no such file or directory');
  const unknown = Object.assign(new Error("EROFS: read-only file system, open '/x'"), {
    code: 'EROFS',
    syscall: 'open',
    path: '/x',
  });
  assert.equal(goErrorText(unknown), 'open /x: read-only file system');
  assert.equal(goErrorText(new Error('plain')), 'plain');
  assert.equal(goErrorText('text'), 'text');
});

void test('isErrnoError rejects non-errors and codeless errors', () => {
  assert.equal(isErrnoError(new Error('x')), false);
  assert.equal(isErrnoError({ code: 'ENOENT' }), false);
  assert.equal(isErrnoError(null), false);
});
