// CPU time per host tick, which a shared machine's run queue inflates far less than wall time:
// `node scripts/host-cpu-per-tick.mjs <nodes> <due|every> [ticks] [repeats]` (after `npm run build`).
// One ServerModel in this thread, NullDisk, NATS timing, R3 groups created through NATS's path,
// 150 ticks to elect and settle, then <ticks> (default 100) measured ticks. Prints wall ms/tick of
// driver.tick() alone and process CPU ms/tick (user + system; this process runs only this thread's
// work plus V8's GC helpers) of the whole loop and of driver.tick() alone, plus deliveries and node
// ticks per tick. With RAFTRACE_TICK_PROFILE=<file.cpuprofile> the measured ticks are also sampled
// by V8's profiler (open the file in Chrome DevTools, or any .cpuprofile reader).
// With RAFTRACE_STRETCH=<f> every Raft period is f times NATS's (heartbeat 10·f ticks, election
// 40·f–90·f, lost quorum 100·f: the host bench's stretchedTiming), and the settle phase lasts
// 100·f + 50 ticks: 10k nodes at f=1 and 100k at f=10 then have the same due timers per tick.
// RAFTRACE_PARK=0 keeps every node on the object path (HostCoreDeps.park: false), for comparison.
// RAFTRACE_DISK=memfs stores on a MemDisk (one memfs volume, in this heap) instead of the NullDisk.
// RAFTRACE_BALLAST=<n> keeps n small objects alive after each create (no disk involved): a probe of
// how much a heap whose node objects lie between other live objects slows a tick (as memfs's do).
// A line `measuring` on stderr marks where the measured ticks start (for `node --trace-gc`).
// RAFTRACE_POPULATE=bulk builds the nodes as the bench does on its null disk (populate-fresh.ts:
// group by group, in order) instead of 64 concurrent createRaftGroup lanes (the default);
// RAFTRACE_POPULATE=waves does that in as many waves as the heartbeat period has ticks, with a tick
// after each, as the host bench does (measure.ts): the bench's steady state, heartbeats spread evenly.
import { createRunBuffers } from '../dist/src/cluster/host-pool.js';
import { ServerModel } from '../dist/src/cluster/server-model.js';
import { createRaftGroup } from '../dist/src/cluster/create-raft-group.js';
import { realClock } from '../dist/src/env/clock.js';
import { NullLogSink } from '../dist/src/storage/raft-log.js';
import { NullDisk } from '../dist/bench/host/null-disk.js';
import { MemDisk } from '../dist/src/storage/mem-disk.js';
import { NATS_TIMING } from '../dist/src/raft/config.js';
import { stretchedTiming } from '../dist/bench/host/run.js';
import { replicasOf } from '../dist/src/host/address.js';
import { populateFresh } from '../dist/bench/host/populate-fresh.js';

const nodes = Number(process.argv[2] ?? 30_000);
const mode = process.argv[3] ?? 'due';
const ticks = Number(process.argv[4] ?? 100);
// The measured ticks are split into this many equal windows, each reported (median wall and CPU ms per tick).
const repeats = Number(process.argv[5] ?? 1);
if (!Number.isInteger(nodes) || nodes < 3 || nodes > 3_000_000) {
  console.error('raftrace: nodes: an integer from 3 to 3000000');
  process.exit(2);
}
if (mode !== 'due' && mode !== 'every') {
  console.error('raftrace: mode: due or every');
  process.exit(2);
}
if (!Number.isInteger(repeats) || repeats < 1 || repeats > 100) {
  console.error('raftrace: repeats: an integer from 1 to 100');
  process.exit(2);
}
if (!Number.isInteger(ticks) || ticks < repeats || ticks > 100_000) {
  console.error('raftrace: ticks: an integer from repeats to 100000');
  process.exit(2);
}
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const stretch = Number(process.env.RAFTRACE_STRETCH ?? 1);
if (!Number.isInteger(stretch) || stretch < 1 || stretch > 1000) {
  console.error('raftrace: RAFTRACE_STRETCH: an integer from 1 to 1000');
  process.exit(2);
}
const groups = Math.ceil(nodes / 3);
const config = {
  seed: 1, servers: 3, replicas: 3, workers: 1, groupsMax: groups, timeScaleMs: 1000, timing: stretch === 1 ? NATS_TIMING : stretchedTiming(stretch), disk: 'memfs', storeRoot: '/store',
  diskFaults: {}, entriesPerSecondPerGroup: 0, natsVersion: '2.14.0', cpuBusyShare: 0, logPath: '', waitTimeoutMs: 30_000, messagesPerSecondMax: 1e9,
};
const host = new ServerModel({ workerId: 0, config, buffers: createRunBuffers(config), disk: process.env.RAFTRACE_DISK === 'memfs' ? new MemDisk() : new NullDisk(), clock: realClock, log: new NullLogSink(), transport: { send() {} }, tickMode: mode, park: process.env.RAFTRACE_PARK !== '0' });
const cells = [];
for (let g = 0; g < groups; g++) for (const s of replicasOf(g, 3, 3)) cells.push([s, g]);
const populate = process.env.RAFTRACE_POPULATE ?? 'lanes';
const ballastPerCreate = Number(process.env.RAFTRACE_BALLAST ?? 0);
const ballast = [];
if (populate === 'bulk') {
  populateFresh(host, cells); // the bench's null-disk path: group by group, in order
} else if (populate === 'waves') {
  // As the host bench does (measure.ts, spreadTicks = the heartbeat period): groups g ≡ w mod waves
  // in wave w, one tick after each wave, so heartbeats fall evenly on the ticks of a period.
  const waves = config.timing.heartbeatTicks;
  for (let w = 0; w < waves; w++) {
    populateFresh(host, cells.filter(([, g]) => g % waves === w));
    host.driver.tick();
    await host.quiesce();
  }
} else {
  let next = 0;
  const lane = async () => {
    while (next < cells.length) {
      const [s, g] = cells[next++];
      const r = await createRaftGroup(host, s, g, 'cas');
      if (!r.ok) throw new Error(r.error);
      if (ballastPerCreate > 0) ballast.push(Array.from({ length: ballastPerCreate }, (_, k) => ({ k, s: String(k), xs: [k, k] })));
    }
  };
  await Promise.all(Array.from({ length: 64 }, lane));
}
for (let t = 0; t < (stretch === 1 ? 150 : 100 * stretch + 50); t++) {
  host.driver.tick();
  await host.quiesce();
}
const c = host.core.counters;
const d0 = c.messagesDelivered;
const n0 = c.nodesTicked;
const p0 = c.parkedSteps;
const e0 = c.earlyWakes;
const profileTo = process.env.RAFTRACE_TICK_PROFILE;
let session = null;
if (profileTo) {
  const { Session } = await import('node:inspector/promises');
  session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 100 });
  await session.post('Profiler.start');
}
process.stderr.write('measuring\n');
const cpu0 = process.cpuUsage();
let wall = 0;
let tickCpuUs = 0;
const wallMs = [];
const cpuMs = [];
const nodeTicks = [];
for (let t = 0; t < ticks; t++) {
  const u = process.cpuUsage();
  const n1 = c.nodesTicked;
  const a = performance.now();
  host.driver.tick();
  nodeTicks.push(c.nodesTicked - n1);
  const w = performance.now() - a;
  wall += w;
  const du = process.cpuUsage(u);
  tickCpuUs += du.user + du.system;
  wallMs.push(w);
  cpuMs.push((du.user + du.system) / 1000);
  await host.quiesce();
}
const cpu = process.cpuUsage(cpu0);
if (session) {
  const { profile } = await session.post('Profiler.stop');
  (await import('node:fs')).writeFileSync(profileTo, JSON.stringify(profile));
  session.disconnect();
}
let leaders = 0;
for (const n of host.core.nodes()) if (n.raft.role === 'leader') leaders++;
console.log(JSON.stringify({
  nodes: host.core.size, mode, populate, disk: process.env.RAFTRACE_DISK === 'memfs' ? 'memfs' : 'null', ticks, leaders, groups, stretch,
  wallMsPerTick: +(wall / ticks).toFixed(3),
  cpuMsPerTick: +((cpu.user + cpu.system) / 1000 / ticks).toFixed(3),
  tickCpuMsPerTick: +(tickCpuUs / 1000 / ticks).toFixed(3),
  deliveriesPerTick: (c.messagesDelivered - d0) / ticks,
  // Per window: median wall ms and median CPU ms of one driver.tick().
  windows: Array.from({ length: repeats }, (_, r) => {
    const lo = Math.floor((r * ticks) / repeats);
    const hi = Math.floor(((r + 1) * ticks) / repeats);
    return { wallMsMedian: +median(wallMs.slice(lo, hi)).toFixed(3), cpuMsMedian: +median(cpuMs.slice(lo, hi)).toFixed(3) };
  }),
  nodeTicksPerTick: (c.nodesTicked - n0) / ticks,
  // Share of node ticks and deliveries a parked node took from its record (src/raft/parked.ts).
  parkedShare: +((c.parkedSteps - p0) / Math.max(1, c.nodesTicked - n0 + c.messagesDelivered - d0)).toFixed(3),
  // Turns of listed nodes with nothing due after all (CoreCounters.earlyWakes), per tick.
  earlyWakesPerTick: (c.earlyWakes - e0) / ticks,
  // How evenly the due timers fall on ticks (all groups created at once: campaigns drawn from 1-8 ticks).
  nodeTicksPerTickMinMedianMax: [Math.min(...nodeTicks), median(nodeTicks), Math.max(...nodeTicks)],
}));
