import { Bench } from 'tinybench';
import { FUTEX_WORDS, FutexMutex } from '../../src/shm/futex-mutex.js';
import { SharedRegistry } from '../../src/shm/shared-registry.js';

/** One in-thread micro benchmark: per-operation latency in ns. */
export interface MicroResult {
  readonly name: string;
  readonly nsPerOpMedian: number;
  readonly nsPerOpP99: number;
  readonly rmePct: number;
  readonly samples: number;
}

/** Operations per timed sample: ns-scale work is batched because the timer floors near 50 ns. */
const BATCH = 1000;

/**
 * The floor and the registry's hot paths in one thread, uncontended: bare CAS+store (what any
 * lock-free claim costs at least), a lookup hit, a full reserve→publish→unregister cycle, and a
 * futex lock/unlock.
 */
export async function runSingleThreadMicro(timeMs: number): Promise<MicroResult[]> {
  const bench = new Bench({ time: timeMs, warmup: true, warmupTime: Math.min(200, timeMs), timestampProvider: 'hrtimeNow' });
  const floor = new Int32Array(new SharedArrayBuffer(64));
  const reg = SharedRegistry.create({ capacity: 4096 });
  const names = Array.from({ length: 1024 }, (_, i) => `C-R3F-${i.toString(36).padStart(8, 'x')}`);
  for (const n of names) reg.register(n, reg.allocateInstanceId());
  const cycle = SharedRegistry.create({ capacity: 4096 });
  const futex = new FutexMutex(new Int32Array(new SharedArrayBuffer(FUTEX_WORDS * 4)), 0, 1);
  let sink = 0;
  let k = 0;

  bench
    .add('bare Atomics.compareExchange+store (floor)', () => {
      for (let i = 0; i < BATCH; i++) {
        Atomics.compareExchange(floor, 0, 0, 1);
        Atomics.store(floor, 0, 0);
      }
    })
    .add('registry lookup hit', () => {
      for (let i = 0; i < BATCH; i++) {
        const e = reg.lookup(names[k++ & 1023]!);
        if (e.state === 'running') sink += e.instanceId;
      }
    })
    .add('registry reserve→publish→unregisterInstance', () => {
      for (let i = 0; i < BATCH; i++) {
        const n = names[k++ & 1023]!;
        const r = cycle.reserve(n);
        if (r.kind !== 'won') throw new Error('bench: reserve lost on an uncontended table');
        cycle.publish(n, r.instanceId);
        cycle.unregisterInstance(n, r.instanceId);
      }
    })
    .add('futex lock/unlock uncontended', () => {
      for (let i = 0; i < BATCH; i++) {
        futex.lock();
        futex.unlock();
      }
    });
  await bench.run();
  if (sink < 0) throw new Error('unreachable');
  return bench.tasks.map((t) => {
    const r = t.result;
    if (r.state !== 'completed') throw new Error(`bench task ${t.name} did not complete (${r.state})`);
    return {
      name: t.name,
      nsPerOpMedian: (r.latency.p50 * 1e6) / BATCH,
      nsPerOpP99: (r.latency.p99 * 1e6) / BATCH,
      rmePct: r.latency.rme,
      samples: r.latency.samplesCount,
    };
  });
}
