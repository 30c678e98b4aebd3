// Same-process A/B of the host tick between builds: `node scripts/host-ab-inproc.mjs <nodes> <stretch> <rounds> <dir> [dir...]`.
// Each <dir> is a built checkout (its dist/ holds the compiled code; for another commit:
// `git worktree add --detach /tmp/a <commit> && cd /tmp/a && ln -s <repo>/node_modules && npx tsc -p tsconfig.json`).
// One host per build in this one process (separate module instances), NullDisk, R3 groups populated
// in waves as the host bench does, Raft periods × <stretch>, settled 100·stretch + 50 ticks; then
// <rounds> rounds in which every host runs a 20-tick window in turn (first 5 ticks of each dropped).
// Prints per build the median tick (ms) and, per round, its median ÷ the first build's: the ratio is
// taken within a round, so this VM's drift (half between runs minutes apart) falls on both sides.
// The hosts share the CPU's caches, so absolute figures run higher than the bench's; read the ratios.
const [nodes, stretch, rounds] = process.argv.slice(2, 5).map(Number);
const dirs = process.argv.slice(5);
const fail = (msg) => {
  console.error(`raftrace: ${msg}`);
  process.exit(2);
};
if (!Number.isInteger(nodes) || nodes < 3 || nodes > 3_000_000) fail('nodes: an integer from 3 to 3000000');
if (!Number.isInteger(stretch) || stretch < 1 || stretch > 1000) fail('stretch: an integer from 1 to 1000');
if (!Number.isInteger(rounds) || rounds < 1 || rounds > 1000) fail('rounds: an integer from 1 to 1000');
if (dirs.length === 0) fail('at least one build directory (holding dist/)');
const { existsSync } = await import('node:fs');
const { resolve } = await import('node:path');
for (const d of dirs) if (!existsSync(`${resolve(d)}/dist/src/cluster/server-model.js`)) fail(`${d}: no dist/src/cluster/server-model.js (build it with npx tsc -p tsconfig.json)`);


const hosts = [];
for (const d of dirs) {
  const imp = (p) => import(`${resolve(d)}/dist/${p}`);
  const { createRunBuffers } = await imp('src/cluster/host-pool.js');
  const { ServerModel } = await imp('src/cluster/server-model.js');
  const { realClock } = await imp('src/env/clock.js');
  const { NullLogSink } = await imp('src/storage/raft-log.js');
  const { NullDisk } = await imp('bench/host/null-disk.js');
  const { NATS_TIMING } = await imp('src/raft/config.js');
  const { stretchedTiming } = await imp('bench/host/run.js');
  const { replicasOf } = await imp('src/host/address.js');
  const { populateFresh } = await imp('bench/host/populate-fresh.js');
  const groups = Math.ceil(nodes / 3);
  const config = { seed: 1, servers: 3, replicas: 3, workers: 1, groupsMax: groups, timeScaleMs: 1000, timing: stretch === 1 ? NATS_TIMING : stretchedTiming(stretch), disk: 'memfs', storeRoot: '/store', diskFaults: {}, entriesPerSecondPerGroup: 0, natsVersion: '2.14.0', cpuBusyShare: 0, logPath: '', waitTimeoutMs: 30_000, messagesPerSecondMax: 1e9 };
  const host = new ServerModel({ workerId: 0, config, buffers: createRunBuffers(config), disk: new NullDisk(), clock: realClock, log: new NullLogSink(), transport: { send() {} }, tickMode: 'due', park: true });
  const cells = [];
  for (let g = 0; g < groups; g++) for (const s of replicasOf(g, 3, 3)) cells.push([s, g]);
  const waves = config.timing.heartbeatTicks;
  for (let w = 0; w < waves; w++) { populateFresh(host, cells.filter(([, g]) => g % waves === w)); host.driver.tick(); await host.quiesce(); }
  for (let t = 0; t < 100 * stretch + 50; t++) { host.driver.tick(); await host.quiesce(); }
  hosts.push({ d, host, ms: [] });
}
const med = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };
const ratios = hosts.map(() => []);
for (let r = 0; r < rounds; r++) {
  const m = [];
  for (const h of hosts) {
    const win = [];
    for (let t = 0; t < 20; t++) { const a = performance.now(); h.host.driver.tick(); win.push(performance.now() - a); await h.host.quiesce(); }
    h.ms.push(...win.slice(5));
    m.push(med(win.slice(5)));
  }
  m.forEach((x, i) => ratios[i].push(x / m[0]));
}
for (const [i, h] of hosts.entries()) console.log(h.d.padEnd(16), 'median', med(h.ms).toFixed(3), 'ms; ÷ first per round: median', med(ratios[i]).toFixed(3), 'min', Math.min(...ratios[i]).toFixed(3), 'max', Math.max(...ratios[i]).toFixed(3));
