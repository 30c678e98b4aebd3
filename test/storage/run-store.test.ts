import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { createRunStore } from '../../src/storage/run-store.js';

void test('creates a fresh raftrace-run-* dir under os.tmpdir(); cleanup removes it, idempotently', async () => {
  const a = await createRunStore();
  const b = await createRunStore();
  try {
    assert.notEqual(a.root, b.root);
    assert.equal(dirname(a.root), tmpdir());
    assert.match(basename(a.root), /^raftrace-run-.{6}$/);
    assert.ok(statSync(a.root).isDirectory());
  } finally {
    await a.cleanup();
    await b.cleanup();
  }
  assert.equal(existsSync(a.root), false);
  assert.equal(existsSync(b.root), false);
  await a.cleanup(); // second call: no error
  await Promise.all([b.cleanup(), b.cleanup()]);
});

void test('parentDir is honoured and cleanup removes the whole tree', async () => {
  const parent = await createRunStore();
  try {
    const child = await createRunStore({ parentDir: parent.root });
    assert.equal(dirname(child.root), parent.root);
    const { mkdir, writeFile } = await import('node:fs/promises');
    await mkdir(join(child.root, 'S1', '_js_', 'G'), { recursive: true });
    await writeFile(join(child.root, 'S1', '_js_', 'G', 'tav.idx'), new Uint8Array(8));
    await child.cleanup();
    assert.equal(existsSync(child.root), false);
    assert.ok(existsSync(parent.root));
  } finally {
    await parent.cleanup();
  }
});

void test('a missing parentDir rejects with ENOENT', async () => {
  const parent = await createRunStore();
  try {
    await assert.rejects(createRunStore({ parentDir: join(parent.root, 'nope') }), { code: 'ENOENT' });
  } finally {
    await parent.cleanup();
  }
});
