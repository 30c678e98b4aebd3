// The creation path alone, in one thread: what each strategy's lock discipline costs, without
// worker threads, piscina round trips, Raft ticking or a shared CPU in the way.
//   node dist/bench/scenario/inproc-throughput.js <repeats> <groups> <inFlight> <out.json> [latencyMs]
// One ServerModel hosts all 3 servers (R3 groups, one creator per replica: the synthetic workload
// with k = 1, no races), on memfs behind a FaultyDisk that adds `latencyMs` (default 1) per disk
// operation, so NATS's 14-op window costs ~14 × latency. `inFlight` groups are created at once; the
// next starts when one finishes. Strategies are interleaved within each repeat (rotated), and each
// repeat is a fresh model and volume. Reports creates/s per strategy (median, quartiles) and the
// ratios cas ÷ locked, cas ÷ inflight, with the ideal for this shape: under `locked` a server's
// creations queue on js.mu (14 ops each, one at a time); under the others `inFlight` of them overlap.
import { writeFileSync } from 'node:fs';
import { createRaftGroup } from '../../src/cluster/create-raft-group.js';
import { createRunBuffers } from '../../src/cluster/host-pool.js';
import { DEFAULT_VERSION } from '../../src/cluster/nats-version.js';
import { MESSAGES_PER_SECOND_MAX_DEFAULT, type HostConfig } from '../../src/cluster/protocol.js';
import { ServerModel } from '../../src/cluster/server-model.js';
import { WINDOW_OPS } from '../../src/cluster/start-raft-node.js';
import { STRATEGY_NAMES, type StrategyName } from '../../src/create/strategy.js';
import { realClock } from '../../src/env/clock.js';
import { Prng } from '../../src/env/prng.js';
import { NATS_TIMING } from '../../src/raft/config.js';
import { ratio, summarize } from '../../src/scenario/stats.js';
import { FaultyDisk } from '../../src/storage/faulty-disk.js';
import { MemDisk } from '../../src/storage/mem-disk.js';
import { NullLogSink } from '../../src/storage/raft-log.js';
import { rotate } from './matrix.js';

const [repeatsArg, groupsArg, inFlightArg, outPath, latencyArg] = process.argv.slice(2);
function fail(msg: string): never {
  console.error(`raftrace: ${msg}`);
  process.exit(2);
}
const repeats = Number(repeatsArg);
const groups = Number(groupsArg);
const inFlight = Number(inFlightArg);
const latencyMs = latencyArg === undefined ? 1 : Number(latencyArg);
if (!Number.isInteger(repeats) || repeats < 1 || repeats > 1000) fail('repeats: must be an integer in [1, 1000]');
if (!Number.isInteger(groups) || groups < 1 || groups > 4096) fail('groups: must be an integer in [1, 4096]');
if (!Number.isInteger(inFlight) || inFlight < 1 || inFlight > groups) fail('inFlight: must be an integer in [1, groups]');
if (!Number.isFinite(latencyMs) || latencyMs < 0 || latencyMs > 100) fail('latencyMs: must be a number in [0, 100]');
if (outPath === undefined || outPath === '') fail('out.json: a path is required');

const SERVERS = 3;

/** Creates `groups` R3 groups, `inFlight` at a time; returns creates per second (wall). */
async function once(strategy: StrategyName, seed: number): Promise<number> {
  const config: HostConfig = {
    seed, servers: SERVERS, replicas: 3, workers: 1, groupsMax: groups, timeScaleMs: 100, timing: NATS_TIMING, disk: 'memfs', storeRoot: '/store',
    diskFaults: {}, entriesPerSecondPerGroup: 0, cpuBusyShare: 0, logPath: '', waitTimeoutMs: 600_000, messagesPerSecondMax: MESSAGES_PER_SECOND_MAX_DEFAULT,
    natsVersion: DEFAULT_VERSION[strategy],
  };
  const disk = new FaultyDisk(new MemDisk(), { latencyMs: { kind: 'fixed', ms: latencyMs } }, { prng: new Prng(seed).fork('disk'), clock: realClock });
  const model = new ServerModel({ workerId: 0, config, buffers: createRunBuffers(config), transport: { send: () => undefined }, disk, clock: realClock, log: new NullLogSink() });
  let next = 0;
  const t0 = performance.now();
  const lane = async (): Promise<void> => {
    for (let g = next++; g < groups; g = next++) {
      const rs = await Promise.all(Array.from({ length: SERVERS }, (_, s) => createRaftGroup(model, s, g, strategy)));
      for (const r of rs) if (!r.ok) throw new Error(`${strategy} (S?, g${g}): ${r.error}`);
    }
  };
  await Promise.all(Array.from({ length: inFlight }, lane));
  const seconds = (performance.now() - t0) / 1000;
  await model.quiesce();
  return (groups * SERVERS) / seconds;
}

const samples = Object.fromEntries(STRATEGY_NAMES.map((s) => [s, [] as number[]])) as Record<StrategyName, number[]>;
for (let r = 0; r < repeats; r++) {
  for (const strategy of rotate(STRATEGY_NAMES, r)) samples[strategy].push(await once(strategy, 1 + r));
  console.log(`repeat ${r + 1}/${repeats}: ${STRATEGY_NAMES.map((s) => `${s} ${samples[s].at(-1)!.toFixed(0)}`).join(', ')} creates/s`);
}
const per = Object.fromEntries(STRATEGY_NAMES.map((s) => [s, summarize(samples[s])])) as Record<StrategyName, ReturnType<typeof summarize>>;
// Ideal shape: locked queues a server's creations (one window at a time); the others overlap inFlight windows.
const out = {
  what: 'creation path alone: one thread, memfs + injected latency, R3, one creator per replica, no Raft ticking',
  repeats, groups, inFlight, latencyMs, windowOps: WINDOW_OPS.length,
  perStrategy: per,
  casVsLocked: ratio(per.cas, per.locked),
  casVsInflight: ratio(per.cas, per.inflight),
  idealCasVsLocked: inFlight,
  samples,
};
writeFileSync(outPath, JSON.stringify(out, null, 2));
console.log(JSON.stringify({ ...out, samples: undefined }, null, 1));
