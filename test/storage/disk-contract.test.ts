// One contract, run against both backends: whatever a Raft node does through `Disk` must behave the
// same on real directories (FsDisk) and in memory (MemDisk), errors included.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { isErrnoError, type Disk } from '../../src/storage/disk.js';
import { FsDisk } from '../../src/storage/fs-disk.js';
import { MemDisk } from '../../src/storage/mem-disk.js';
import { createRunStore, type RunStore } from '../../src/storage/run-store.js';
import { groupDir, termVotePath } from '../../src/storage/layout.js';

interface Backend {
  name: string;
  setup(): Promise<{ disk: Disk; root: string; cleanup: () => Promise<void> }>;
}

const backends: Backend[] = [
  {
    name: 'FsDisk',
    async setup() {
      const store: RunStore = await createRunStore();
      return { disk: new FsDisk(), root: store.root, cleanup: () => store.cleanup() };
    },
  },
  {
    name: 'MemDisk',
    async setup() {
      return { disk: new MemDisk(), root: '/raftrace-store', cleanup: async () => {} };
    },
  },
];

/** Await `p`, expecting a rejection of node's errno shape; returns the error. */
async function rejection(p: Promise<unknown>): Promise<NodeJS.ErrnoException & { dest?: string }> {
  try {
    await p;
  } catch (e) {
    assert.ok(isErrnoError(e), `expected an errno error, got ${String(e)}`);
    return e;
  }
  assert.fail('expected a rejection');
}

for (const backend of backends) {
  void describe(`Disk contract: ${backend.name}`, () => {
    let disk: Disk;
    let root: string;
    let cleanup: () => Promise<void> = async () => {};
    let n = 0;
    /** A fresh directory path per test, so tests do not see each other's files. */
    const fresh = (): string => join(root, `t${n++}`);

    before(async () => {
      ({ disk, root, cleanup } = await backend.setup());
    });
    after(async () => {
      await cleanup();
    });

    void test('kind names the backend', () => {
      assert.equal(disk.kind, backend.name === 'FsDisk' ? 'fs' : 'memfs');
    });

    void test('mkdirp creates nested dirs and is idempotent', async () => {
      const d = join(fresh(), 'a', 'b', 'c');
      assert.equal(await disk.exists(d), false);
      await disk.mkdirp(d);
      await disk.mkdirp(d);
      assert.equal(await disk.exists(d), true);
    });

    void test('writeFile/readFile round-trip as a plain Uint8Array; overwrite truncates', async () => {
      const d = fresh();
      await disk.mkdirp(d);
      const f = join(d, 'tav.idx');
      await disk.writeFile(f, new Uint8Array([1, 0, 0, 0, 0, 0, 0, 0, 65, 66, 67, 68, 69, 70, 71, 72]));
      await disk.writeFile(f, new Uint8Array([7, 8, 9]));
      const got = await disk.readFile(f);
      assert.equal(Object.getPrototypeOf(got), Uint8Array.prototype);
      assert.deepEqual(got, new Uint8Array([7, 8, 9]));
    });

    void test('rename moves files and directories', async () => {
      const d = fresh();
      await disk.mkdirp(join(d, 'src'));
      await disk.writeFile(join(d, 'src', 'f'), new Uint8Array([1]));
      await disk.rename(join(d, 'src', 'f'), join(d, 'src', 'g'));
      assert.equal(await disk.exists(join(d, 'src', 'f')), false);
      assert.deepEqual(await disk.readFile(join(d, 'src', 'g')), new Uint8Array([1]));
      // NATS's filestore delete renames the group dir to ".<name>" before removing it.
      await disk.rename(join(d, 'src'), join(d, '.src'));
      assert.deepEqual(await disk.readFile(join(d, '.src', 'g')), new Uint8Array([1]));
      assert.equal(await disk.exists(join(d, 'src')), false);
    });

    void test('readdir lists names sorted by code unit', async () => {
      const d = fresh();
      await disk.mkdirp(join(d, 'sub'));
      for (const name of ['b', 'a', 'C']) await disk.writeFile(join(d, name), new Uint8Array([0]));
      assert.deepEqual(await disk.readdir(d), ['C', 'a', 'b', 'sub']);
    });

    void test('rm removes a tree, and a missing path without error', async () => {
      const d = fresh();
      await disk.mkdirp(join(d, 'x', 'y'));
      await disk.writeFile(join(d, 'x', 'y', 'f'), new Uint8Array([1]));
      await disk.rm(join(d, 'x'));
      assert.equal(await disk.exists(join(d, 'x')), false);
      await disk.rm(join(d, 'never-existed'));
      await disk.rm(join(d, 'x'));
    });

    void test('exists is false below a file (ENOTDIR), not an error', async () => {
      const d = fresh();
      await disk.mkdirp(d);
      await disk.writeFile(join(d, 'file'), new Uint8Array([1]));
      assert.equal(await disk.exists(join(d, 'file', 'inner')), false);
    });

    void test('writing tav.idx after rm of its dir rejects ENOENT/-2/open, in node words', async () => {
      const storeRoot = fresh();
      const dir = groupDir(storeRoot, 'S1', 'C-R3F-abcdefgh');
      const tav = termVotePath(storeRoot, 'S1', 'C-R3F-abcdefgh');
      await disk.mkdirp(dir);
      await disk.writeFile(tav, new Uint8Array(16));
      await disk.rm(dir);
      const e = await rejection(disk.writeFile(tav, new Uint8Array(16)));
      assert.equal(e.code, 'ENOENT');
      assert.equal(e.errno, -2);
      assert.equal(e.syscall, 'open');
      assert.equal(e.path, tav);
      assert.equal(e.message, `ENOENT: no such file or directory, open '${tav}'`);
    });

    void test('missing paths reject with the right syscall per op', async () => {
      const d = fresh();
      const missing = join(d, 'missing');
      const r = await rejection(disk.readFile(missing));
      assert.deepEqual([r.code, r.errno, r.syscall, r.path], ['ENOENT', -2, 'open', missing]);
      const l = await rejection(disk.readdir(missing));
      assert.deepEqual([l.code, l.errno, l.syscall, l.path], ['ENOENT', -2, 'scandir', missing]);
      const m = await rejection(disk.rename(missing, join(d, 'other')));
      assert.deepEqual([m.code, m.syscall, m.path, m.dest], ['ENOENT', 'rename', missing, join(d, 'other')]);
    });
  });
}
