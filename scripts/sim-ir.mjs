// A fixed random-mode workload for instruction counts, which a shared machine's load does not
// disturb (CPU time does): run it under callgrind for two values of n and divide the difference
// of the "Collected" counts by their difference to get instructions per schedule, start-up excluded.
//
// Usage: valgrind --tool=callgrind --callgrind-out-file=/dev/null node scripts/sim-ir.mjs <root> <strategy> <n>
//   (<root>: a built checkout; world: 3 servers R3, 3 callers, delete; seed 2)
const [root, strategy = 'cas', n = '500'] = process.argv.slice(2);
if (!root) throw new Error('usage: sim-ir.mjs <root> [strategy] [n]');
const { sample } = await import(`${root}/dist/src/sim/explore.js`);
const { SimDisk } = await import(`${root}/dist/src/sim/sim-disk.js`);
const cfg = { strategy, servers: 3, replicas: 3, groups: 1, callers: 3, withDelete: true, raftTicks: 0 };
await sample(cfg, new SimDisk(), { mode: 'random', budget: Number(n), seconds: 0, seed: 2, depth: 2 });
