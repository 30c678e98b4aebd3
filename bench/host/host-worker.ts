// A bench host worker: one ServerModel (host core + driver) driven by hand (no timer), answering the main thread's
// requests one at a time. Raw worker_threads (not piscina): the bench owns the tick loop.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { parentPort, workerData } from 'node:worker_threads';
import { realClock } from '../../src/env/clock.js';
import { replicasOf } from '../../src/host/address.js';
import { createRaftGroup } from '../../src/cluster/create-raft-group.js';
import type { WireBatch } from '../../src/cluster/protocol.js';
import { ServerModel } from '../../src/cluster/server-model.js';
import { FsDisk } from '../../src/storage/fs-disk.js';
import { NullLogSink } from '../../src/storage/raft-log.js';
import { NullDisk } from './null-disk.js';
import { populateFresh } from './populate-fresh.js';
import { threadCpuMs } from './thread-cpu.js';
import { SwappableMemDisk } from './swappable-disk.js';
import { ownerOf, type HeapReply, type HostBenchOp, type HostBenchReply, type HostBenchRequest, type HostBenchWorkerData, type LeadersReply, type PopulateReply, type TicksReply } from './protocol.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const data = workerData as HostBenchWorkerData;
const port = parentPort;
if (!port) throw new Error('host-worker.js must run as a worker thread');

let crossIn = 0;
let crossOut = 0;
let receiveMs = 0;
/** Settle rounds run and wall ms spent settling (cumulative; see TicksReply). */
let settleRounds = 0;
let settleMs = 0;
const peer = data.peer;
// memfs: a private volume per worker. Sound here because a (server, group) directory is only ever
// touched by the one worker that hosts it (see ownerOf); no file is shared across workers.
const disk = data.nullDisk ? new NullDisk() : data.config.disk === 'fs' ? new FsDisk() : new SwappableMemDisk();
const host = new ServerModel({
  workerId: data.workerId,
  config: data.config,
  buffers: data.buffers,
  disk,
  clock: realClock,
  log: new NullLogSink(),
  tickMode: data.tickMode === 'every' ? 'every' : 'due',
  park: data.tickMode === 'due',
  transport: {
    send: (w: number, batch: WireBatch) => {
      if (!peer || w === data.workerId) throw new Error(`worker ${data.workerId}: no channel to worker ${w}`);
      crossOut += batch.count;
      peer.postMessage(batch, [batch.nums.buffer as ArrayBuffer]);
    },
  },
});
peer?.on('message', (batch: WireBatch) => {
  crossIn += batch.count;
  const t0 = performance.now();
  host.driver.receive(batch);
  receiveMs += performance.now() - t0;
});

const yieldToLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Runs every node's pending I/O to completion, including chains those chains start. */
async function settle(): Promise<void> {
  const t0 = performance.now();
  const c = host.core.counters;
  const d = host.driver;
  try {
    for (let round = 0; round < 10_000; round++) {
      settleRounds++;
      // The core's counters and the driver's, read directly: host.stats() walks every node
      // (leaderConflicts), which at 500k nodes a worker cost tens of ms per round.
      const sent = c.messagesSent;
      const delivered = c.messagesDelivered;
      const tav = d.tavWrites;
      await host.quiesce();
      await yieldToLoop();
      if (c.messagesSent === sent && c.messagesDelivered === delivered && d.tavWrites === tav) return;
    }
  } finally {
    settleMs += performance.now() - t0;
  }
}

/**
 * Creates this worker's replicas of the groups g < groups with g mod waves = wave, through NATS's
 * create path (on the null disk, through its bulk equivalent: populate-fresh.ts). No tick: the main
 * thread ticks every worker between waves (measure.ts), so all workers create a wave before any of
 * them runs it and no vote request reaches a replica that does not exist yet.
 */
async function populate(groups: number, concurrency: number, wave: number, waves: number): Promise<PopulateReply> {
  const c = data.config;
  const cells: [number, number][] = [];
  for (let g = wave; g < groups; g += waves) {
    for (const s of replicasOf(g, c.servers, c.replicas)) if (ownerOf(g, s, c.workers) === data.workerId) cells.push([s, g]);
  }
  const t0 = performance.now();
  let failed = 0;
  let firstError = '';
  if (data.nullDisk) {
    // Nothing is stored, so every create is a first creation: the bulk path reaches the same state
    // without the window's awaited ops (see populate-fresh.ts).
    populateFresh(host, cells);
  } else {
    let next = 0;
    const lane = async (): Promise<void> => {
      while (next < cells.length) {
        const [s, g] = cells[next++]!;
        const r = await createRaftGroup(host, s, g, 'cas');
        if (!r.ok) {
          failed++;
          firstError ||= `${r.code}: ${r.error}`;
        }
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, concurrency) }, lane));
  }
  await settle();
  return { nodes: host.core.size, failed, firstError, wallMs: performance.now() - t0 };
}

function heap(): HeapReply {
  gc();
  gc();
  const m = process.memoryUsage();
  return { heapUsedBytes: m.heapUsed, arrayBuffersBytes: m.arrayBuffers };
}

async function ticks(n: number, record: boolean): Promise<TicksReply> {
  const tickMs: number[] = [];
  const tickCpuMs: number[] = [];
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    const ca = record ? threadCpuMs() : 0;
    const a = performance.now();
    host.driver.tick();
    const b = performance.now();
    if (record) {
      tickMs.push(b - a);
      tickCpuMs.push(threadCpuMs() - ca);
    }
    // Cross-worker batches arrive as port messages: the yield in settle lets them in.
    await settle();
  }
  const s = host.stats();
  return { tickMs, tickCpuMs, wallMs: performance.now() - t0, messagesDelivered: s.messagesDelivered, messagesDropped: s.messagesDropped, messagesShed: s.messagesShed, nodesTicked: host.core.counters.nodesTicked, parkedSteps: host.core.counters.parkedSteps, crossIn, crossOut, receiveMs, settleRounds, settleMs };
}

/** Roles and terms straight from the nodes (census() builds an object and a registry lookup per node). */
function leaders(): LeadersReply {
  let l = 0;
  let cand = 0;
  let termMax = 0;
  let termSum = 0;
  for (const n of host.core.nodes()) {
    const r = n.raft;
    if (r.role === 'leader') l++;
    else if (r.role === 'candidate') cand++;
    termSum += r.term;
    if (r.term > termMax) termMax = r.term;
  }
  return { hosted: host.core.size, leaders: l, candidates: cand, termMax, termSum };
}

async function handle(req: HostBenchOp): Promise<unknown> {
  switch (req.op) {
    case 'populate':
      return populate(req.groups, req.concurrency, req.wave, req.waves);
    case 'heap':
      return heap();
    case 'ticks':
      return ticks(req.ticks, req.record);
    case 'leaders':
      return leaders();
    case 'dropStore':
      if (disk instanceof SwappableMemDisk) disk.dropVolume();
      return { dropped: disk instanceof SwappableMemDisk };
    case 'shutdown':
      await host.quiesce();
      peer?.close();
      return { stopped: true };
  }
}

// One request at a time, in arrival order: the main thread never overlaps two requests to a worker.
let chain: Promise<void> = Promise.resolve();
port.on('message', (req: HostBenchRequest) => {
  chain = chain.then(async () => {
    let reply: HostBenchReply;
    try {
      reply = { id: req.id, ok: true, value: await handle(req.body) };
    } catch (e) {
      reply = { id: req.id, ok: false, error: e instanceof Error ? `${e.name}: ${e.message}` : String(e) };
    }
    port.postMessage(reply);
  });
});
