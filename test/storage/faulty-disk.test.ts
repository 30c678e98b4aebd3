import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { SimClock } from '../../src/env/clock.js';
import { Prng } from '../../src/env/prng.js';
import { isErrnoError, type Disk } from '../../src/storage/disk.js';
import { FaultyDisk, type FaultyDiskConfig } from '../../src/storage/faulty-disk.js';
import { MemDisk } from '../../src/storage/mem-disk.js';

/** Let pending promise callbacks and memfs's async work run (event-loop turns, not wall time). */
async function settle(turns = 5): Promise<void> {
  for (let i = 0; i < turns; i++) await new Promise<void>((r) => setImmediate(r));
}

async function freshDisk(config: FaultyDiskConfig, seed: number, clock = new SimClock()): Promise<FaultyDisk> {
  const inner = new MemDisk();
  await inner.mkdirp('/g');
  return new FaultyDisk(inner, config, { prng: new Prng(seed).fork('disk'), clock });
}

/** Outcome of each of `n` sequential writes: 'ok' or the error code. */
async function outcomes(disk: Disk, n: number): Promise<string[]> {
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    try {
      await disk.writeFile('/g/tav.idx', new Uint8Array([i & 0xff]));
      out.push('ok');
    } catch (e) {
      out.push(isErrnoError(e) ? (e.code ?? '?') : 'not-errno');
    }
  }
  return out;
}

const mixed: FaultyDiskConfig = { faults: { EIO: 0.1, ENOSPC: 0.05, EACCES: 0.05 } };

void test('same seed gives the same fault sequence; another seed another', async () => {
  const a = await outcomes(await freshDisk(mixed, 42), 300);
  const b = await outcomes(await freshDisk(mixed, 42), 300);
  const c = await outcomes(await freshDisk(mixed, 43), 300);
  assert.deepEqual(a, b);
  assert.notDeepEqual(a, c);
  assert.ok(a.includes('EIO') && a.includes('ENOSPC') && a.includes('EACCES'));
});

void test('rate 0 never faults, rate 1 always does (any seed)', async () => {
  await fc.assert(
    fc.asyncProperty(fc.integer({ min: 0, max: 0xffff_ffff }), async (seed) => {
      const never = await outcomes(await freshDisk({ faults: { EIO: 0, ENOSPC: 0, EACCES: 0 } }, seed), 20);
      assert.ok(never.every((o) => o === 'ok'));
      const always = await outcomes(await freshDisk({ faults: { ENOSPC: 1 } }, seed), 20);
      assert.ok(always.every((o) => o === 'ENOSPC'));
    }),
    { numRuns: 25, seed: 7 },
  );
});

void test('counts injected faults per code; rates are roughly honoured', async () => {
  const disk = await freshDisk({ faults: { EIO: 0.2, EACCES: 0.1 } }, 1);
  const out = await outcomes(disk, 2000);
  const counts = disk.faultCounts();
  assert.equal(counts.EIO, out.filter((o) => o === 'EIO').length);
  assert.equal(counts.EACCES, out.filter((o) => o === 'EACCES').length);
  assert.equal(counts.ENOSPC, 0);
  assert.equal(counts.total, counts.EIO + counts.EACCES);
  assert.ok(counts.EIO > 340 && counts.EIO < 460, `EIO ${counts.EIO}`);
  assert.ok(counts.EACCES > 150 && counts.EACCES < 250, `EACCES ${counts.EACCES}`);
});

void test('injected errors have node shape with Linux errno and per-op syscall', async () => {
  const disk = await freshDisk({ faults: { EIO: 1 } }, 3);
  await assert.rejects(disk.writeFile('/g/tav.idx', new Uint8Array(1)), {
    code: 'EIO',
    errno: -5,
    syscall: 'write',
    path: '/g/tav.idx',
    message: "EIO: i/o error, write '/g/tav.idx'",
  });
  await assert.rejects(disk.rename('/g/a', '/g/b'), { code: 'EIO', syscall: 'rename', path: '/g/a', dest: '/g/b' });
  await assert.rejects(disk.mkdirp('/h'), { syscall: 'mkdir' });
  const acc = await freshDisk({ faults: { EACCES: 1 } }, 3);
  await assert.rejects(acc.writeFile('/g/x', new Uint8Array(1)), { code: 'EACCES', errno: -13, syscall: 'open' });
  // A faulted write never reaches the inner disk: nothing half-done.
  const inner = new MemDisk();
  await inner.mkdirp('/g');
  const nospc = new FaultyDisk(inner, { faults: { ENOSPC: 1 } }, { prng: new Prng(3), clock: new SimClock() });
  await assert.rejects(nospc.writeFile('/g/x', new Uint8Array(1)), { code: 'ENOSPC', errno: -28 });
  assert.equal(await inner.exists('/g/x'), false);
});

void test('only the selected ops fault; kind is the inner disk kind', async () => {
  const disk = await freshDisk({ faults: { EIO: 1 }, ops: ['writeFile'] }, 5);
  assert.equal(disk.kind, 'memfs');
  await disk.mkdirp('/g/sub');
  assert.deepEqual(await disk.readdir('/g'), ['sub']);
  await assert.rejects(disk.writeFile('/g/sub/f', new Uint8Array(1)), { code: 'EIO' });
  assert.equal(disk.faultCounts().total, 1);
});

void test('fixed latency: the write resolves only after the SimClock advances', async () => {
  const clock = new SimClock();
  const disk = await freshDisk({ latencyMs: { kind: 'fixed', ms: 30 } }, 9, clock);
  let done = false;
  const p = disk.writeFile('/g/tav.idx', new Uint8Array([5])).then(() => {
    done = true;
  });
  await settle();
  assert.equal(done, false);
  clock.advanceMs(29);
  await settle();
  assert.equal(done, false);
  clock.advanceMs(1);
  await p;
  assert.equal(done, true);
  assert.deepEqual(await (async () => {
    const r = disk.readFile('/g/tav.idx');
    clock.advanceMs(30);
    return r;
  })(), new Uint8Array([5]));
});

void test('a faulting operation pays its latency first: it rejects only after the SimClock advances', async () => {
  const clock = new SimClock();
  const disk = await freshDisk({ latencyMs: { kind: 'fixed', ms: 30 }, faults: { EIO: 1 } }, 9, clock);
  let settled = false;
  const p = disk.writeFile('/g/tav.idx', new Uint8Array([5])).finally(() => (settled = true));
  p.catch(() => undefined);
  await settle();
  assert.equal(settled, false, 'not before its latency');
  assert.equal(disk.faultCounts().total, 0, 'counted when raised, not when drawn');
  clock.advanceMs(30);
  await assert.rejects(p, { code: 'EIO' });
  assert.equal(disk.faultCounts().total, 1);
});

void test('the fault draw is a half-open interval: a draw of exactly 0 never faults at rate 0, a draw just below 1 faults at rate 1', async () => {
  class FixedPrng extends Prng {
    constructor(private readonly u: number) {
      super(1);
    }
    override nextFloat(): number {
      return this.u;
    }
  }
  const at = async (u: number, config: FaultyDiskConfig): Promise<string[]> => {
    const inner = new MemDisk();
    await inner.mkdirp('/g');
    return outcomes(new FaultyDisk(inner, config, { prng: new FixedPrng(u), clock: new SimClock() }), 3);
  };
  assert.deepEqual(await at(0, { faults: { EIO: 0 } }), ['ok', 'ok', 'ok']);
  assert.deepEqual(await at(0, { faults: { EIO: 0, ENOSPC: 0.5 } }), ['ENOSPC', 'ENOSPC', 'ENOSPC']);
  assert.deepEqual(await at(0.5, { faults: { EIO: 0.5 } }), ['ok', 'ok', 'ok'], 'u = rate is outside [0, rate)');
  assert.deepEqual(await at(1 - 2 ** -53, { faults: { EACCES: 1 } }), ['EACCES', 'EACCES', 'EACCES']);
});

void test('uniform latency is drawn from the Prng within [min, max] and is seed-deterministic', async () => {
  async function delays(seed: number): Promise<number[]> {
    const clock = new SimClock();
    const disk = await freshDisk({ latencyMs: { kind: 'uniform', minMs: 10, maxMs: 20 } }, seed, clock);
    const out: number[] = [];
    for (let i = 0; i < 20; i++) {
      let done = false;
      const start = clock.nowMs();
      const p = disk.exists('/g').then(() => {
        done = true;
      });
      // Step 1 ms at a time until it resolves: the latency, rounded up to the step.
      while (!done) {
        clock.advanceMs(1);
        await settle(2);
      }
      await p;
      out.push(clock.nowMs() - start);
    }
    return out;
  }
  const a = await delays(11);
  assert.deepEqual(a, await delays(11));
  assert.ok(a.every((d) => d >= 10 && d <= 21), String(a));
  assert.ok(new Set(a).size > 3, 'latency varies');
});

void test('bad config: RangeError naming the field and allowed values', () => {
  const inner = new MemDisk();
  const deps = { prng: new Prng(1), clock: new SimClock() };
  const cases: [unknown, RegExp][] = [
    [{ faults: { EIO: 1.5 } }, /^faults\.EIO must be a number in \[0, 1\], got 1\.5$/],
    [{ faults: { ENOSPC: -0.1 } }, /^faults\.ENOSPC must be a number in \[0, 1\]/],
    [{ faults: { EACCES: Number.NaN } }, /^faults\.EACCES must be a number in \[0, 1\]/],
    [{ faults: { EIO: 0.6, ENOSPC: 0.6 } }, /faults rates must sum to at most 1/],
    [{ faults: { ENOENT: 0.1 } }, /^faults\.ENOENT is not a fault code; allowed: EIO, ENOSPC, EACCES$/],
    [{ latencyMs: { kind: 'fixed', ms: -1 } }, /^latencyMs\.ms must be a finite number >= 0, got -1$/],
    [{ latencyMs: { kind: 'uniform', minMs: -2, maxMs: 3 } }, /^latencyMs\.minMs must be a finite number >= 0/],
    [{ latencyMs: { kind: 'uniform', minMs: 5, maxMs: 3 } }, /^latencyMs\.minMs must be <= latencyMs\.maxMs/],
    [{ latencyMs: { kind: 'gaussian' } }, /^latencyMs\.kind must be one of 'fixed', 'uniform', got "gaussian"$/],
    [{ ops: ['writeFile', 'fsync'] }, /^ops\[1\] must be one of mkdirp, writeFile, readFile, rm, rename, exists, readdir, got "fsync"$/],
  ];
  for (const [config, message] of cases) {
    assert.throws(() => new FaultyDisk(inner, config as FaultyDiskConfig, deps), (e: unknown) => {
      assert.ok(e instanceof RangeError, String(e));
      assert.match(e.message, message);
      return true;
    });
  }
});
