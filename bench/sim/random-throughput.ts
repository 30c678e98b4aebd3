// node dist/bench/sim/random-throughput.js [--repeats 5] [--budget 2000] [--strategies racy,cas] [--disks memfs,sim]
// Issue #11's random-mode target: schedules/s for a 3-server R3 group with 3 callers and the delete
// (9 logical threads), per strategy and per disk under the simulator. One repeat runs every
// (strategy, disk) pair once, in rotated order, in this one process; figures are medians over the
// repeats with [min, max], and the disk ratio is taken within each repeat (same machine state).
import { parseArgs } from 'node:util';
import type { StrategyName } from '../../src/create/strategy.js';
import type { SimConfig } from '../../src/sim/config.js';
import { sample } from '../../src/sim/explore.js';
import { SimDisk } from '../../src/sim/sim-disk.js';
import type { Disk } from '../../src/storage/disk.js';
import { MemDisk } from '../../src/storage/mem-disk.js';

const DISKS: Record<string, () => Disk> = { memfs: () => new MemDisk(), sim: () => new SimDisk() };

const { values } = parseArgs({
  options: {
    repeats: { type: 'string', default: '5' },
    budget: { type: 'string', default: '2000' },
    strategies: { type: 'string', default: 'racy,cas' },
    disks: { type: 'string', default: 'memfs,sim' },
  },
});
const repeats = Number(values.repeats);
const budget = Number(values.budget);
const strategies = values.strategies.split(',') as StrategyName[];
const disks = values.disks.split(',');
for (const d of disks) if (!(d in DISKS)) throw new Error(`--disks: one of ${Object.keys(DISKS).join(', ')}; got ${d}`);

const cfgOf = (strategy: StrategyName): SimConfig => ({ strategy, servers: 3, replicas: 3, groups: 1, callers: 3, withDelete: true, raftTicks: 0 });

/** Schedules per wall second and per CPU second of this process (the latter is less sensitive to a shared machine). */
async function once(strategy: StrategyName, disk: string): Promise<[number, number]> {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const x = await sample(cfgOf(strategy), DISKS[disk]!(), { mode: 'random', budget, seconds: 0, seed: 1, depth: 2 });
  const c = process.cpuUsage(c0);
  const s = (performance.now() - t0) / 1000;
  return [x.tally.schedules / s, x.tally.schedules / ((c.user + c.system) / 1e6)];
}

const rate = new Map<string, number[]>();
const ratio = new Map<string, number[]>();
// Warm-up: one short run per pair, not counted.
for (const st of strategies) for (const d of disks) await sample(cfgOf(st), DISKS[d]!(), { mode: 'random', budget: 200, seconds: 0, seed: 2, depth: 2 });
for (let r = 0; r < repeats; r++) {
  for (const st of strategies) {
    const order = r % 2 === 0 ? disks : [...disks].reverse();
    const got: Record<string, number> = {};
    for (const d of order) {
      const [wall, cpu] = await once(st, d);
      got[d] = wall;
      for (const [k, v] of [[`${st}/${d} wall`, wall], [`${st}/${d} cpu`, cpu]] as const) rate.set(k, [...(rate.get(k) ?? []), v]);
    }
    if (got['memfs'] !== undefined && got['sim'] !== undefined) ratio.set(st, [...(ratio.get(st) ?? []), got['sim'] / got['memfs']]);
  }
}

const med = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const fmt = (xs: number[], d = 0): string => `${med(xs).toFixed(d)} [${Math.min(...xs).toFixed(d)}, ${Math.max(...xs).toFixed(d)}]`;
console.log(`random mode, 3 servers R3, 3 callers, with delete; ${budget} schedules per run, ${repeats} repeats; schedules/s (per wall s, and per CPU s of this process) median [min, max]`);
for (const [k, xs] of rate) console.log(`  ${k.padEnd(18)} ${fmt(xs)}`);
for (const [k, xs] of ratio) console.log(`  ${k.padEnd(18)} sim ÷ memfs (wall) ${fmt(xs, 2)}×`);
