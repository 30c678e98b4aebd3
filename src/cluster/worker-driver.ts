import { realClock } from '../env/clock.js';
import { Prng } from '../env/prng.js';
import { FaultyDisk } from '../storage/faulty-disk.js';
import { FsDisk } from '../storage/fs-disk.js';
import { MemDisk } from '../storage/mem-disk.js';
import { FileLogSink, NullLogSink, type RaftLogSink } from '../storage/raft-log.js';
import type { Disk } from '../storage/disk.js';
import { createRaftGroup } from './create-raft-group.js';
import { deleteNode } from './delete-node.js';
import { hooksFromPause } from './pause-hooks.js';
import type { HostConfig, HostTask, MessagePortLike, WireBatch } from './protocol.js';
import { ServerModel } from './server-model.js';
import { awaitFirstLeader } from './await-leader.js';
import { stopNode } from './stop-node.js';

let model: ServerModel | null = null;
let log: RaftLogSink = new NullLogSink();
let ports: readonly (MessagePortLike | null)[] = [];

/** The disk a host writes through: the backend, wrapped for latency and faults when configured. */
export function diskFor(cfg: HostConfig, workerId: number): Disk {
  const base: Disk = cfg.disk === 'fs' ? new FsDisk() : new MemDisk();
  const f = cfg.diskFaults;
  const active = f.latencyMs !== undefined || Object.values(f.faults ?? {}).some((r) => r > 0);
  return active ? new FaultyDisk(base, f, { prng: new Prng(cfg.seed).fork(`disk-${workerId}`), clock: realClock }) : base;
}

export function logFor(cfg: HostConfig, workerId: number): RaftLogSink {
  return cfg.logPath === '' ? new NullLogSink() : new FileLogSink(`${cfg.logPath}.w${workerId}.log`, realClock);
}

export async function createHostFromInit(task: Extract<HostTask, { op: 'init' }>): Promise<{ workerId: number }> {
  if (model) throw new Error(`worker ${model.workerId} initialised twice`);
  log = logFor(task.config, task.workerId);
  ports = task.ports;
  const m = new ServerModel({
    workerId: task.workerId,
    config: task.config,
    buffers: task.buffers,
    disk: diskFor(task.config, task.workerId),
    clock: realClock,
    log,
    transport: { send: (w, batch) => ports[w]?.postMessage(batch, [batch.nums.buffer as ArrayBuffer]) },
  });
  for (const p of ports) p?.on('message', (batch) => m.driver.receive(batch as WireBatch));
  m.driver.startTicking();
  model = m;
  return { workerId: task.workerId };
}

export async function handleHostTask(task: Exclude<HostTask, { op: 'init' }>): Promise<unknown> {
  const m = model;
  if (!m) throw new Error(`task ${task.op} before init`);
  switch (task.op) {
    case 'create':
      return createRaftGroup(m, task.server, task.group, task.strategy, hooksFromPause(task.strategy, task.pause));
    case 'delete':
      return deleteNode(m, task.server, task.group, task.instanceId, task.strategy);
    case 'stop':
      return stopNode(m, task.server, task.group, task.instanceId, task.strategy);
    case 'leader':
      return awaitFirstLeader(m, task.instanceId, task.timeoutMs);
    case 'census':
      return m.census();
    case 'stats':
      return m.stats();
    case 'crash':
      // Test hook: an uncaught exception outside any task, as a real bug in a worker would be.
      setImmediate(() => {
        throw new Error(`injected worker crash: ${task.reason}`);
      });
      return { crashing: true };
    case 'shutdown':
      await m.quiesce();
      for (const p of ports) p?.close();
      await log.close();
      model = null;
      return { stopped: true };
  }
}
