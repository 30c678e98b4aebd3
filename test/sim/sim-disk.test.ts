import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { SimDisk } from '../../src/sim/sim-disk.js';
import type { Disk } from '../../src/storage/disk.js';
import { MemDisk } from '../../src/storage/mem-disk.js';

/**
 * Differential test: the simulator's Map disk against memfs (MemDisk) over random op sequences on a
 * small path universe, so ops keep colliding: writes under removed or renamed directories, files
 * where directories are expected, renames over existing targets. Every op must end the same way on
 * both (value, or error code + syscall + path + dest), and the trees must match afterwards.
 */
const NAMES = ['a', 'b', 'c'];
const pathArb = fc.array(fc.constantFrom(...NAMES), { minLength: 1, maxLength: 3 }).map((parts) => `/r/${parts.join('/')}`);

type Op =
  | { op: 'mkdirp' | 'rm' | 'exists' | 'readdir' | 'readFile'; path: string }
  | { op: 'writeFile'; path: string; byte: number }
  | { op: 'rename'; path: string; to: string };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ op: fc.constantFrom('mkdirp' as const, 'rm' as const, 'exists' as const, 'readdir' as const, 'readFile' as const), path: pathArb }),
  fc.record({ op: fc.constant('writeFile' as const), path: pathArb, byte: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ op: fc.constant('rename' as const), path: pathArb, to: pathArb }),
);

/**
 * An op's end as comparable text. memfs leaves `syscall` empty for mkdir and `path` unset for a read
 * of a directory (node sets both; the sim disk sets them as node does), so a field memfs leaves empty
 * is not compared.
 */
async function both(sim: Disk, mem: Disk, o: Op): Promise<[string, string]> {
  const a = await apply(sim, o);
  const b = await apply(mem, o);
  const [as, bs] = [a.split(' '), b.split(' ')];
  if (as[0] === 'err' && bs[0] === 'err') for (let i = 2; i < bs.length; i++) if (bs[i] === '' || bs[i] === 'undefined') as[i] = bs[i]!;
  return [as.join(' '), b];
}

async function apply(d: Disk, o: Op): Promise<string> {
  try {
    switch (o.op) {
      case 'mkdirp': return `ok ${String(await d.mkdirp(o.path))}`;
      case 'rm': return `ok ${String(await d.rm(o.path))}`;
      case 'exists': return `ok ${String(await d.exists(o.path))}`;
      case 'readdir': return `ok ${(await d.readdir(o.path)).join(',')}`;
      case 'readFile': return `ok ${[...(await d.readFile(o.path))].join(',')}`;
      case 'writeFile': return `ok ${String(await d.writeFile(o.path, new Uint8Array([o.byte])))}`;
      case 'rename': return `ok ${String(await d.rename(o.path, o.to))}`;
    }
  } catch (e) {
    const x = e as NodeJS.ErrnoException & { dest?: string };
    return `err ${String(x.code)} ${String(x.syscall)} ${String(x.path)} ${String(x.dest)}`;
  }
}

/** Every path under /r with its kind and bytes, in a fixed order. */
async function tree(d: Disk, dir = '/r'): Promise<string[]> {
  if (!(await d.exists(dir))) return [];
  const out: string[] = [];
  for (const n of await d.readdir(dir)) {
    const p = `${dir}/${n}`;
    try {
      out.push(`${p}=${[...(await d.readFile(p))].join(',')}`);
    } catch {
      out.push(`${p}/`, ...(await tree(d, p)));
    }
  }
  return out;
}

/** rename(2) of a directory into its own subtree is EINVAL; the sim disk refuses it as a caller bug instead. */
const intoItself = (o: Op): boolean => o.op === 'rename' && o.to.startsWith(`${o.path}/`);

describe('SimDisk behaves like memfs', () => {
  test('same result for every op and the same tree after random op sequences (400 sequences of up to 40 ops)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { maxLength: 40 }), async (ops) => {
        const mem = new MemDisk();
        const sim = new SimDisk();
        await mem.mkdirp('/r');
        await sim.mkdirp('/r');
        for (const [i, o] of ops.entries()) {
          if (intoItself(o)) continue;
          const [s, m] = await both(sim, mem, o);
          assert.equal(s, m, `op ${i}: ${JSON.stringify(o)}`);
        }
        assert.deepEqual(await tree(sim), await tree(mem));
      }),
      { numRuns: 400, seed: 20261201 },
    );
  });

  test('the #5824 shape: a write by path after its directory was renamed away and removed is ENOENT on both', async () => {
    for (const d of [new SimDisk(), new MemDisk()]) {
      await d.mkdirp('/s/_js_/g');
      await d.writeFile('/s/_js_/g/tav.idx', new Uint8Array(8));
      await d.rename('/s/_js_/g', '/s/_js_/g.deleted');
      await d.rm('/s/_js_/g.deleted');
      await assert.rejects(d.writeFile('/s/_js_/g/tav.idx', new Uint8Array(8)), { code: 'ENOENT', syscall: 'open', path: '/s/_js_/g/tav.idx' });
      assert.equal(await d.exists('/s/_js_/g.deleted'), false);
    }
  });

  test('a path that is not normalised is a caller bug (RangeError), not a disk error', async () => {
    const d = new SimDisk();
    for (const p of ['rel/x', '/a/', '/a//b', '/a/./b', '/a/../b']) await assert.rejects(async () => d.mkdirp(p), RangeError, p);
  });
});
