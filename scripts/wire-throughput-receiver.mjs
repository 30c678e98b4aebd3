// The receiving thread of scripts/wire-throughput.mjs: decodes every message of every batch into
// an object (as HostCore.receive does) and counts them; records batches give their buffer back.
import { parentPort } from 'node:worker_threads';
import { messageAt } from '../dist/src/host/wire-batch.js';

let decoded = 0;
let sink = 0;
parentPort.on('message', (x) => {
  if (x.kind === 'ack' || x.kind === 'reset') {
    parentPort.postMessage({ acked: decoded });
    if (x.kind === 'reset') decoded = 0;
    return;
  }
  const b = x.batch;
  if (x.kind === 'objects') {
    for (let i = 0; i < b.length; i++) sink += b[i].m.term + b[i].g + b[i].f + b[i].t;
    decoded += b.length;
  } else {
    for (let i = 0; i < b.count; i++) sink += messageAt(b, i).term;
    decoded += b.count;
    parentPort.postMessage({ buffer: b.nums.buffer }, [b.nums.buffer]);
  }
  if (sink === -1) console.log(sink); // keeps the reads alive
});
