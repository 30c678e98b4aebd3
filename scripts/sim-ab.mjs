// Explorer throughput, before → after, in ONE process: loads the compiled simulator of two
// checkouts (each built, each with node_modules) and runs them in alternating chunks, so both see
// the same machine state; reports CPU µs per schedule (less sensitive to a shared machine than
// wall time), medians with [min, max] and the per-chunk ratio, and the load average.
//
// Usage: node scripts/sim-ab.mjs <beforeRoot> <afterRoot> [--strategies cas,racy] [--chunks 10] [--per 500]
//                                 [--exhaustive locked:1500]   (exhaustive 3 callers × 2 names, por, executions)
//                                 [--bare]   (the scheduler alone: 9 threads × 5 yields, CPU ns per step, step loop vs drive)
// A before-root: git archive <commit> | tar -x -C /tmp/before && ln -s "$PWD/node_modules" /tmp/before/ && (cd /tmp/before && npx tsc -p tsconfig.json)
import { loadavg } from 'node:os';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    strategies: { type: 'string', default: 'cas,racy' },
    chunks: { type: 'string', default: '10' },
    per: { type: 'string', default: '500' },
    exhaustive: { type: 'string' },
    bare: { type: 'boolean', default: false },
  },
});
if (positionals.length !== 2) throw new Error('usage: sim-ab.mjs <beforeRoot> <afterRoot> [options]');
const roots = { before: resolve(positionals[0]), after: resolve(positionals[1]) };
const mods = {};
for (const [k, r] of Object.entries(roots)) {
  mods[k] = { ...(await import(`${r}/dist/src/sim/explore.js`)), SimDisk: (await import(`${r}/dist/src/sim/sim-disk.js`)).SimDisk };
}
const chunks = Number(values.chunks);
const per = Number(values.per);
const med = (a) => [...a].sort((x, y) => x - y)[a.length >> 1];
const span = (a, d = 0) => `${med(a).toFixed(d)} [${Math.min(...a).toFixed(d)}, ${Math.max(...a).toFixed(d)}]`;
const cpuSeconds = (c0) => {
  const u = process.cpuUsage(c0);
  return (u.user + u.system) / 1e6;
};

/** Alternating chunks of `run(mod, disk, chunk)` → [work units, seconds]; prints per-unit CPU µs and the before/after ratio. */
async function ab(label, run) {
  const disks = { before: new mods.before.SimDisk(), after: new mods.after.SimDisk() };
  const us = { before: [], after: [] };
  for (const k of ['before', 'after']) await run(mods[k], disks[k], -1); // warm-up, not counted
  for (let c = 0; c < chunks; c++) {
    for (const k of c % 2 === 0 ? ['before', 'after'] : ['after', 'before']) {
      const c0 = process.cpuUsage();
      const n = await run(mods[k], disks[k], c);
      us[k].push((cpuSeconds(c0) * 1e6) / n);
    }
  }
  const ratio = us.before.map((b, i) => b / us.after[i]);
  console.log(`${label}: CPU µs per unit before ${span(us.before)}, after ${span(us.after)}; after is ${span(ratio, 2)}× as fast (per-chunk ratio, median [min, max]); load ${loadavg()[0].toFixed(1)}`);
}

const world = (strategy) => ({ strategy, servers: 3, replicas: 3, groups: 1, callers: 3, withDelete: true, raftTicks: 0 });
console.log(`before ${roots.before}\nafter  ${roots.after}\n${chunks} chunks each, alternating`);
for (const st of values.strategies.split(',').filter(Boolean)) {
  await ab(`random, ${st}, 3 servers R3, 3 callers, delete (unit: one schedule, ${per} per chunk)`, async (m, disk, c) => {
    const x = await m.sample(world(st), disk, { mode: 'random', budget: c < 0 ? 300 : per, seconds: 0, seed: c + 2, depth: 2 });
    return x.tally.schedules;
  });
}
if (values.exhaustive) {
  const [st, budget] = values.exhaustive.split(':');
  const cfg = { strategy: st, servers: 1, replicas: 1, groups: 2, callers: 3, withDelete: true, raftTicks: 0 };
  await ab(`exhaustive por, ${st}, 3 callers × 2 names, delete (unit: one execution, first ${budget} of the search)`, async (m, disk, c) => {
    const x = await m.exhaustive(cfg, disk, { mode: 'exhaustive', budget: c < 0 ? 200 : Number(budget), seconds: 0, seed: 1, depth: 2, reduction: 'por' });
    return x.executions;
  });
}

if (values.bare) {
  // What a step costs the scheduler itself, without any production code: the floor under the figures above.
  const { Scheduler } = await import(`${roots.after}/dist/src/sim/scheduler.js`);
  for (const mode of ['step', 'drive']) {
    const one = async () => {
      const s = new Scheduler();
      for (let i = 0; i < 9; i++) s.spawn(`t${i}`, async () => { for (let k = 0; k < 5; k++) await s.yield('y'); });
      let x = 1;
      const pick = () => { const e = s.enabled(); if (e.length === 0) return null; x = (x * 1103515245 + 12345) & 0x7fffffff; return e[x % e.length]; };
      if (mode === 'drive') await s.drive(pick);
      else for (let t = pick(); t !== null; t = pick()) await s.step(t);
      return s.steps;
    };
    for (let i = 0; i < 2000; i++) await one();
    const c0 = process.cpuUsage();
    let steps = 0;
    for (let i = 0; i < 10000; i++) steps += await one();
    console.log(`scheduler alone (${mode}): ${((cpuSeconds(c0) * 1e9) / steps).toFixed(0)} CPU ns per step; load ${loadavg()[0].toFixed(1)}`);
  }
}
