// Digests of what the simulator explores, for checking that a change to it (or to the production
// code it runs) leaves every schedule, terminal state, verdict and trace as it was: run it on two
// built checkouts and diff the outputs (timings are not printed, so equal output = equal runs).
//
// Per strategy, for four worlds (3 servers R3 with delete: 3 callers; 3 callers with find pauses;
// 3 callers with 12 Raft ticks; 2 groups × 2 callers) on the SimDisk, and the first on memfs too:
// n random schedules through runSchedule, observing 'trace' every 10th, 'history' the next and
// nothing otherwise, with SHA-1 digests of (schedule, outcome, verdict, nested actions) and of the
// traces; then a PCT sample (n/5 schedules, depth 3): its tally, terminal-state count and first
// failing schedule.
//
// Usage: node scripts/sim-fingerprint.mjs <root> [n]   (<root>: a checkout with dist/ built; n default 1000)
import { createHash } from 'node:crypto';
import { resolve } from 'node:path';

const [rootArg, nArg = '1000'] = process.argv.slice(2);
if (!rootArg) throw new Error('usage: sim-fingerprint.mjs <root> [n]');
const root = resolve(rootArg);
const n = Number(nArg);
const { runSchedule } = await import(`${root}/dist/src/sim/run.js`);
const { randomChooser, sample } = await import(`${root}/dist/src/sim/explore.js`);
const { SimDisk } = await import(`${root}/dist/src/sim/sim-disk.js`);
const { MemDisk } = await import(`${root}/dist/src/storage/mem-disk.js`);
const { Prng } = await import(`${root}/dist/src/env/prng.js`);

const WORLDS = [
  ['base', {}],
  ['pauses', { findPauses: true }],
  ['raft', { raftTicks: 12 }],
  ['g2', { groups: 2, callers: 2 }],
];
for (const strategy of ['racy', 'locked', 'inflight', 'cas']) {
  for (const [tag, extra] of WORLDS) {
    const cfg = { strategy, servers: 3, replicas: 3, groups: 1, callers: 3, withDelete: true, raftTicks: 0, ...extra };
    const disks = tag === 'base' ? [['sim', new SimDisk()], ['memfs', new MemDisk()]] : [['sim', new SimDisk()]];
    for (const [diskName, disk] of disks) {
      const prng = new Prng(7).fork('random');
      const runs = createHash('sha1');
      const traces = createHash('sha1');
      const count = diskName === 'memfs' ? n / 5 : n;
      for (let i = 0; i < count; i++) {
        const observe = i % 10 === 0 ? 'trace' : i % 10 === 1 ? 'history' : 'none';
        const r = await runSchedule(cfg, disk, randomChooser(prng), observe);
        runs.update(JSON.stringify([r.schedule, r.outcome, r.verdict, r.nested]));
        if (observe === 'trace') traces.update(JSON.stringify(r.trace));
      }
      const pct = await sample(cfg, disk, { mode: 'pct', budget: n / 5, seconds: 0, seed: 3, depth: 3 });
      const first = pct.firstFailure ? pct.firstFailure.schedule.join('.') : '-';
      console.log(`${strategy} ${tag} ${diskName} runs ${runs.digest('hex').slice(0, 16)} traces ${traces.digest('hex').slice(0, 16)} pct ${JSON.stringify(pct.tally)} states ${pct.terminalStates} first ${first}`);
    }
  }
}
