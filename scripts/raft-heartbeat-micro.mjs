// Pure Raft core cost per message, no host: `node scripts/raft-heartbeat-micro.mjs [groups] [ticks]`
// (after `npm run build`). `groups` R3 groups (NATS timing) are ticked every tick and their readies
// drained in one thread (each message stepped into its addressee at once); after 300 ticks to elect,
// `ticks` more are timed. Prints ns per Raft message and ms per tick (every node ticked).
import { RaftNode } from '../dist/src/raft/node.js';
import { NATS_TIMING } from '../dist/src/raft/config.js';
import { Prng } from '../dist/src/env/prng.js';

const groupsN = Number(process.argv[2] ?? 1000);
const ticks = Number(process.argv[3] ?? 200);
if (!Number.isInteger(groupsN) || groupsN < 1 || groupsN > 1_000_000) {
  console.error('raftrace: groups: an integer from 1 to 1000000');
  process.exit(2);
}
if (!Number.isInteger(ticks) || ticks < 1 || ticks > 100_000) {
  console.error('raftrace: ticks: an integer from 1 to 100000');
  process.exit(2);
}
const peers = Object.freeze(['S00node_', 'S01node_', 'S02node_']);
const groups = Array.from({ length: groupsN }, (_, g) => peers.map((id, i) => new RaftNode({ id, peers, timing: NATS_TIMING, prng: new Prng(g * 3 + i) })));
let messages = 0;
const drain = (group) => {
  for (let again = true; again; ) {
    again = false;
    for (const n of group) {
      if (!n.hasReady()) continue;
      const rd = n.ready();
      n.advance();
      for (const m of rd.messages) {
        messages++;
        group[peers.indexOf(m.to)].step(m);
      }
      again = true;
    }
  }
};
const run = (t) => {
  for (let i = 0; i < t; i++) {
    for (const group of groups) {
      for (const n of group) n.tick();
      drain(group);
    }
  }
};
run(300);
let leaders = 0;
for (const group of groups) for (const n of group) if (n.role === 'leader') leaders++;
messages = 0;
const t0 = performance.now();
run(ticks);
const ms = performance.now() - t0;
console.log(JSON.stringify({ groups: groupsN, leaders, messages, nsPerMessage: Math.round((ms * 1e6) / messages), msPerTick: +(ms / ticks).toFixed(3) }));
