// Raft messages per second over one MessageChannel between two threads, the channel alone (no Raft
// work): `node scripts/wire-throughput.mjs [batch] [seconds] [repeats]` (after `npm run build`).
// Heartbeat traffic as the host sends it (appends and append-responses, 50/50), in batches of
// `batch` messages (default 4000: about one worker's share of a 100k-node tick). Two ways, timed
// in turn in each repeat: `objects` posts Wire objects (structured clone, as before wave 2);
// `records` encodes them into a pooled, transferred Float64 batch (src/host/wire-batch.ts) and the
// receiver decodes every message back into an object and recycles the buffer. Both sides run
// their whole path (encode, post, receive, decode). Prints one JSON line with messages/s per repeat.
import { Worker } from 'node:worker_threads';
import { nodeIdOf } from '../dist/src/host/address.js';
import { BufferPool, WireBatchWriter } from '../dist/src/host/wire-batch.js';

const batch = Number(process.argv[2] ?? 4000);
const seconds = Number(process.argv[3] ?? 2);
const repeats = Number(process.argv[4] ?? 5);
if (!Number.isInteger(batch) || batch < 1 || batch > 1_000_000) {
  console.error('raftrace: batch: an integer from 1 to 1000000');
  process.exit(2);
}
if (!(seconds > 0 && seconds <= 60)) {
  console.error('raftrace: seconds: a number in (0, 60]');
  process.exit(2);
}
if (!Number.isInteger(repeats) || repeats < 1 || repeats > 50) {
  console.error('raftrace: repeats: an integer from 1 to 50');
  process.exit(2);
}

const wires = Array.from({ length: batch }, (_, i) => {
  const g = i * 7;
  return i % 2 === 0
    ? { g, s: 1, f: i + 1, t: 0, m: { type: 'append', from: nodeIdOf(0), to: nodeIdOf(1), term: 5, prevLogIndex: 12, prevLogTerm: 5, entries: [], leaderCommit: 12 } }
    : { g, s: 0, f: i + 1, t: i, m: { type: 'append-response', from: nodeIdOf(1), to: nodeIdOf(0), term: 5, success: true, matchIndex: 12 } };
});

const receiver = new Worker(new URL('./wire-throughput-receiver.mjs', import.meta.url));
const pool = new BufferPool();
const writer = new WireBatchWriter(pool);
// Buffers come back from the receiver (in the host they come back as the other worker's batches).
receiver.on('message', (x) => {
  if (x.buffer) pool.give(x.buffer);
});
const acked = () => new Promise((resolve) => receiver.once('message', function on(x) {
  if (x.acked === undefined) receiver.once('message', on);
  else resolve(x.acked);
}));

async function run(kind) {
  const t0 = performance.now();
  let sent = 0;
  while (performance.now() - t0 < seconds * 1000) {
    // A window of 8 batches in flight, then wait for the receiver: it decoded every one.
    for (let k = 0; k < 8; k++) {
      if (kind === 'objects') {
        receiver.postMessage({ kind, batch: wires });
      } else {
        for (const w of wires) writer.push(w.g, w.s, w.m, w.f, w.t);
        const b = writer.take();
        receiver.postMessage({ kind, batch: b }, [b.nums.buffer]);
      }
      sent += batch;
    }
    receiver.postMessage({ kind: 'ack' });
    const got = await acked();
    if (got !== sent) throw new Error(`receiver decoded ${got} of ${sent}`);
  }
  const ms = performance.now() - t0;
  receiver.postMessage({ kind: 'reset' });
  await acked();
  return Math.round((sent / ms) * 1000);
}

const out = { batch, seconds, objectsPerSec: [], recordsPerSec: [] };
try {
  for (let r = 0; r < repeats; r++) {
    out.objectsPerSec.push(await run('objects'));
    out.recordsPerSec.push(await run('records'));
  }
  const med = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  out.ratioOfMedians = +(med(out.recordsPerSec) / med(out.objectsPerSec)).toFixed(2);
  out.recordsAtLeast2xInRepeats = out.recordsPerSec.filter((x, i) => x >= 2 * out.objectsPerSec[i]).length;
  console.log(JSON.stringify(out));
} finally {
  await receiver.terminate();
}
