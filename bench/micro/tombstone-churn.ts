import { SharedRegistry } from '../../src/shm/shared-registry.js';
import { summarize } from '../../src/scenario/stats.js';

/** Miss cost on a fresh table vs the same table after long distinct-name churn, both at 50% live load. */
export interface ChurnMissResult {
  readonly capacity: number;
  readonly live: number;
  readonly churnOps: number;
  /** Slots not EMPTY (live + tombstones) in each table when the misses were timed. */
  readonly usedFresh: number;
  readonly usedChurned: number;
  /** ns per miss, median over `samples` interleaved samples. */
  readonly freshMissNs: number;
  readonly churnedMissNs: number;
  /** Median of the per-sample ratios churned ÷ fresh (each pair measured back to back). */
  readonly ratio: number;
  readonly ratios: readonly number[];
}

const MISS_NAMES = Array.from({ length: 4096 }, (_, i) => `M-${i.toString(36)}-miss`);

function fill(reg: SharedRegistry, n: number, prefix: string): [string, number][] {
  const live: [string, number][] = [];
  for (let i = 0; i < n; i++) {
    const name = `${prefix}${i}`;
    const r = reg.reserve(name);
    if (r.kind !== 'won') throw new Error('bench: reserve lost on a private table');
    reg.publish(name, r.instanceId);
    live.push([name, r.instanceId]);
  }
  return live;
}

function missNs(reg: SharedRegistry, passes: number): number {
  let hits = 0;
  const t0 = process.hrtime.bigint();
  for (let p = 0; p < passes; p++) for (const m of MISS_NAMES) if (reg.lookup(m).state !== 'absent') hits++;
  const ns = Number(process.hrtime.bigint() - t0) / (passes * MISS_NAMES.length);
  if (hits !== 0) throw new Error('bench: a miss name was found');
  return ns;
}

/**
 * Issue #7's tombstone-saturation target: after `churnOps` distinct-name create+delete operations at
 * 50% live load (FIFO: each op inserts a new name and removes the oldest), a miss must cost within
 * 2× of a miss on a fresh table holding the same number of live names.
 */
export function runChurnMissBench(capacity = 1024, churnOps = 1_000_000, samples = 15): ChurnMissResult {
  const live = capacity / 2;
  const fresh = SharedRegistry.create({ capacity });
  fill(fresh, live, 'C-R3F-');
  const churned = SharedRegistry.create({ capacity });
  const queue = fill(churned, live, 'C-R3F-');
  for (let i = 0; i < churnOps; i++) {
    const name = `D-${i.toString(36)}`;
    const r = churned.reserve(name);
    if (r.kind !== 'won') throw new Error('bench: reserve lost on a private table');
    churned.publish(name, r.instanceId);
    queue.push([name, r.instanceId]);
    const [old, id] = queue.shift()!;
    if (!churned.unregisterInstance(old, id)) throw new Error('bench: unregister failed');
  }
  missNs(fresh, 3);
  missNs(churned, 3); // warm-up
  const f: number[] = [];
  const c: number[] = [];
  const ratios: number[] = [];
  for (let s = 0; s < samples; s++) {
    const a = s % 2 === 0 ? missNs(fresh, 5) : 0;
    const b = missNs(churned, 5);
    const a2 = s % 2 === 1 ? missNs(fresh, 5) : a;
    f.push(a2);
    c.push(b);
    ratios.push(b / a2);
  }
  return {
    capacity,
    live,
    churnOps,
    usedFresh: fresh.stats().used,
    usedChurned: churned.stats().used,
    freshMissNs: summarize(f).median,
    churnedMissNs: summarize(c).median,
    ratio: summarize(ratios).median,
    ratios,
  };
}
