// node dist/bench/micro/registry-targets.js [--repeats 7] [--ops 400000] [--out reports/registry-<date>.json]
// Issue #7's performance targets, each as a distribution over interleaved repeats (one repeat runs
// every measurement once), plus the tombstone-churn miss cost:
//   lookup hit ÷ bare CAS+store floor ≤ 6× in ≥ 6 of 7 repeats;
//   cas disjoint get-or-create, 2 threads ÷ 1 thread ≥ 1.6× in ≥ 6 of 7 repeats;
//   a miss after 10^6 distinct-name churn ops at 50% load ≤ 2× a miss on a fresh table.
// Beside the scaling ratio, each repeat measures what the machine allows the same code: two threads
// on private registries (nothing shared but the machine), and each vCPU's speed (vcpu-probe.ts).
// shared ÷ private is then the registry's own scaling cost, free of the machine's.
import { renameSync, writeFileSync } from 'node:fs';
import { Bench } from 'tinybench';
import { SharedRegistry } from '../../src/shm/shared-registry.js';
import { once } from './multi-thread.js';
import { probeVcpus } from './vcpu-probe.js';
import { runChurnMissBench } from './tombstone-churn.js';

const BATCH = 1000;

async function lookupVsFloor(timeMs: number): Promise<{ floorNs: number; lookupNs: number }> {
  const bench = new Bench({ time: timeMs, warmup: true, warmupTime: 100, timestampProvider: 'hrtimeNow' });
  const floor = new Int32Array(new SharedArrayBuffer(64));
  const reg = SharedRegistry.create({ capacity: 4096 });
  const names = Array.from({ length: 1024 }, (_, i) => `C-R3F-${i.toString(36).padStart(8, 'x')}`);
  for (const n of names) reg.register(n, reg.allocateInstanceId());
  let sink = 0;
  let k = 0;
  bench
    .add('floor', () => {
      for (let i = 0; i < BATCH; i++) {
        Atomics.compareExchange(floor, 0, 0, 1);
        Atomics.store(floor, 0, 0);
      }
    })
    .add('lookup', () => {
      for (let i = 0; i < BATCH; i++) {
        const e = reg.lookup(names[k++ & 1023]!);
        if (e.state === 'running') sink += e.instanceId;
      }
    });
  await bench.run();
  if (sink < 0) throw new Error('unreachable');
  const ns = (name: string) => {
    const r = bench.tasks.find((t) => t.name === name)!.result;
    if (r.state !== 'completed') throw new Error(`bench ${name}: ${r.state}`);
    return (r.latency.p50 * 1e6) / BATCH;
  };
  return { floorNs: ns('floor'), lookupNs: ns('lookup') };
}

interface Scaling {
  /** ops/s: one thread; two threads on one registry; two threads on a registry each (the ceiling). */
  readonly one: number;
  readonly two: number;
  readonly twoPrivate: number;
}

/** The three runs in an order that alternates by repeat, so drift hits each alike. */
async function scaling(ops: number, repeat: number): Promise<Scaling> {
  const cfg = (threads: number) => ({ variant: 'cas', threads, pattern: 'disjoint' }) as const;
  const opsPerSec = (threads: number, ms: number[]) => (threads * ops) / (Math.max(...ms) / 1000);
  const runs = [
    async () => opsPerSec(1, await once(cfg(1), ops)),
    async () => opsPerSec(2, await once(cfg(2), ops)),
    async () => opsPerSec(2, await once(cfg(2), ops, 'private')),
  ];
  const order = repeat % 2 === 0 ? [0, 1, 2] : [2, 1, 0];
  const got: number[] = [0, 0, 0];
  for (const i of order) got[i] = await runs[i]!();
  return { one: got[0]!, two: got[1]!, twoPrivate: got[2]! };
}

function arg(name: string, dflt: string): string {
  const i = process.argv.indexOf(name);
  return i >= 0 ? (process.argv[i + 1] ?? dflt) : dflt;
}

async function main(): Promise<void> {
  const repeats = Number(arg('--repeats', '7'));
  const ops = Number(arg('--ops', '400000'));
  const date = new Date().toISOString();
  const out = arg('--out', `reports/registry-${date.slice(0, 10)}-targets.json`);
  const rows: {
    lookupRatio: number;
    floorNs: number;
    lookupNs: number;
    scaling: number;
    ceiling: number;
    sharedOverPrivate: number;
    vcpuSlowOverFast: number | null;
    opsPerSec1: number;
    opsPerSec2: number;
    opsPerSec2Private: number;
  }[] = [];
  for (let r = 0; r < repeats; r++) {
    const a = r % 2 === 0;
    const l = a ? await lookupVsFloor(300) : undefined;
    const vcpu = probeVcpus();
    const s = await scaling(ops, r);
    const l2 = l ?? (await lookupVsFloor(300));
    rows.push({
      lookupRatio: l2.lookupNs / l2.floorNs,
      floorNs: l2.floorNs,
      lookupNs: l2.lookupNs,
      scaling: s.two / s.one,
      ceiling: s.twoPrivate / s.one,
      sharedOverPrivate: s.two / s.twoPrivate,
      vcpuSlowOverFast: vcpu ? +vcpu.slowOverFast.toFixed(3) : null,
      opsPerSec1: s.one,
      opsPerSec2: s.two,
      opsPerSec2Private: s.twoPrivate,
    });
    console.log(
      `repeat ${r + 1}/${repeats}: lookup ${l2.lookupNs.toFixed(1)} ns ÷ floor ${l2.floorNs.toFixed(1)} ns = ${(l2.lookupNs / l2.floorNs).toFixed(2)}×; ` +
        `cas disjoint 2t ÷ 1t = ${(s.two / s.one).toFixed(2)}× (${Math.round(s.one)} → ${Math.round(s.two)} ops/s), ` +
        `private-registry ceiling ${(s.twoPrivate / s.one).toFixed(2)}×, shared ÷ private ${(s.two / s.twoPrivate).toFixed(2)}; ` +
        `vCPU slow ÷ fast ${vcpu ? vcpu.slowOverFast.toFixed(2) : 'n/a (no taskset)'}`,
    );
  }
  console.log('churn: 10^6 distinct-name ops at 50% load, then misses vs a fresh table…');
  const churn = runChurnMissBench();
  const lookupMet = rows.filter((x) => x.lookupRatio <= 6).length;
  const scalingMet = rows.filter((x) => x.scaling >= 1.6).length;
  const ceilingMet = rows.filter((x) => x.ceiling >= 1.6).length;
  // 0.8 = 1.6 / 2: the registry keeps ≥ 80% of what two private registries reach on the same machine.
  const efficiencyMet = rows.filter((x) => x.sharedOverPrivate >= 0.8).length;
  const json = {
    schema: 'raftrace.registry-targets/2',
    date,
    node: process.version,
    note: 'measured on a 2-core machine shared with other parallel work (load average printed by `uptime` at the time)',
    repeats: rows,
    targets: {
      lookupVsFloor: { goal: '≤ 6× in ≥ 6 of 7', met: lookupMet, of: rows.length, values: rows.map((x) => +x.lookupRatio.toFixed(2)) },
      casScaling2t: { goal: '≥ 1.6× in ≥ 6 of 7', met: scalingMet, of: rows.length, values: rows.map((x) => +x.scaling.toFixed(2)) },
      machineCeiling2t: { goal: 'diagnostic: the same loop on private registries ÷ 1 thread', met: ceilingMet, of: rows.length, values: rows.map((x) => +x.ceiling.toFixed(2)) },
      casSharedOverPrivate2t: { goal: '≥ 0.8 (= 1.6 / 2) in ≥ 6 of 7', met: efficiencyMet, of: rows.length, values: rows.map((x) => +x.sharedOverPrivate.toFixed(2)) },
      vcpuSlowOverFast: { goal: 'diagnostic: 1 = both vCPUs alike', values: rows.map((x) => x.vcpuSlowOverFast) },
      churnMiss: { goal: '≤ 2×', ...churn },
    },
  };
  writeFileSync(out + '.tmp', JSON.stringify(json, null, 2) + '\n');
  renameSync(out + '.tmp', out);
  console.log(`lookup ÷ floor: ${json.targets.lookupVsFloor.values.join(' ')} → ≤ 6× in ${lookupMet} of ${rows.length}`);
  console.log(`cas 2t ÷ 1t: ${json.targets.casScaling2t.values.join(' ')} → ≥ 1.6× in ${scalingMet} of ${rows.length}`);
  console.log(`machine ceiling (2 private registries ÷ 1t): ${json.targets.machineCeiling2t.values.join(' ')} → ≥ 1.6× in ${ceilingMet} of ${rows.length}`);
  console.log(`cas shared ÷ private, 2t: ${json.targets.casSharedOverPrivate2t.values.join(' ')} → ≥ 0.8 in ${efficiencyMet} of ${rows.length}`);
  console.log(`miss after churn: ${churn.churnedMissNs.toFixed(1)} ns vs fresh ${churn.freshMissNs.toFixed(1)} ns, ratio ${churn.ratio.toFixed(2)}× (used ${churn.usedChurned} vs ${churn.usedFresh} of ${churn.capacity}); written ${out}`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 4;
});
