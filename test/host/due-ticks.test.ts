/**
 * The host core's tick touches only due nodes (timer wheel) and must be indistinguishable from the
 * former every-node loop: same seed, same event trace. Also: a due node is ticked exactly when its
 * timer fires, and an idle follower is never ticked (only stepped when a message arrives).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createRunBuffers } from '../../src/cluster/host-pool.js';
import type { WireBatch } from '../../src/cluster/protocol.js';
import { ServerModel } from '../../src/cluster/server-model.js';
import { SimClock } from '../../src/env/clock.js';
import { replicasOf } from '../../src/host/address.js';
import type { HostedNode } from '../../src/host/hosted-node.js';
import { NATS_TICK_MS } from '../../src/raft/config.js';
import { RunTables } from '../../src/shm/run-tables.js';
import { MemDisk } from '../../src/storage/mem-disk.js';
import { MemoryLogSink } from '../../src/storage/raft-log.js';
import { testHostConfig } from '../fixtures/host-config.js';
import { create, remove, tick, type Rig } from '../fixtures/model-rig.js';

function rigWith(tickMode: 'due' | 'every', workers: number, entriesPerSecondPerGroup: number): Rig {
  const config = testHostConfig({ storeRoot: '/store', workers, disk: 'memfs', logPath: '', entriesPerSecondPerGroup, seed: 11 });
  const buffers = createRunBuffers(config);
  const clock = new SimClock();
  const log = new MemoryLogSink();
  const disk = new MemDisk();
  const queue: Rig['queue'][number][] = [];
  const models = Array.from({ length: workers }, (_, workerId) =>
    new ServerModel({ workerId, config, buffers, transport: { send: (to: number, batch: WireBatch) => queue.push({ to, batch }) }, disk, clock, log, tickMode }),
  );
  return { models, model: models[0]!, config, buffers, tables: new RunTables(config, buffers.tables), clock, disk, log, tickMs: (config.timeScaleMs * NATS_TICK_MS) / 1000, queue };
}

const workerOf = (g: number, s: number, workers: number): number => (g + s) % workers;

/** Everything observable per tick: every instance's Raft state and the hosts' counters. */
function snapshot(rig: Rig): string {
  const nodes = rig.models.flatMap((m) => m.census()).sort((a, b) => a.instanceId - b.instanceId);
  const stats = rig.models.map((m) => {
    const s = m.stats();
    return [s.messagesSent, s.messagesDelivered, s.messagesDropped, s.entriesProposed, s.entriesCommitted, s.tavWrites].join('/');
  });
  return `${stats.join('|')} ${nodes.map((n) => `${n.instanceId}:${n.state[0]}${n.role[0]}${n.term}c${n.commitIndex}`).join(' ')}`;
}

/** 8 R3 groups over `workers` workers with load; at tick 150 group 2 is deleted and re-created; 400 ticks. */
async function recordRun(tickMode: 'due' | 'every', workers: number): Promise<string[]> {
  const rig = rigWith(tickMode, workers, 3);
  const ids = new Map<string, number>();
  const { servers, replicas } = rig.config;
  for (let g = 0; g < 8; g++) {
    for (const s of replicasOf(g, servers, replicas)) {
      const r = await create(rig, s, g, 'cas', undefined, workerOf(g, s, workers));
      assert.ok(r.ok);
      ids.set(`${s}/${g}`, r.instanceId);
    }
  }
  const trace: string[] = [];
  for (let t = 1; t <= 400; t++) {
    await tick(rig);
    if (t === 150) {
      for (const s of replicasOf(2, servers, replicas)) {
        const d = await remove(rig, s, 2, ids.get(`${s}/2`)!, 'cas', workerOf(2, s, workers));
        assert.ok(d.ok);
      }
      for (const s of replicasOf(2, servers, replicas)) assert.ok((await create(rig, s, 2, 'cas', undefined, workerOf(2, s, workers))).ok);
    }
    trace.push(snapshot(rig));
  }
  return trace;
}

for (const workers of [1, 2]) {
  test(`${workers} worker(s): the due-only tick gives the every-node tick's trace, tick for tick, under one seed`, async () => {
    const every = await recordRun('every', workers);
    const due = await recordRun('due', workers);
    assert.ok(every[every.length - 1]!.includes('l'), 'the run elected leaders (the trace is not trivially equal)');
    for (let t = 0; t < every.length; t++) assert.equal(due[t], every[t], `tick ${t + 1}`);
  });
}

/** Counts tick() and step() per instance and records whether each tick() was due. */
function spy(n: HostedNode, log: { ticks: number; steps: number; early: number }): void {
  const raft = n.raft;
  const tick0 = raft.tick.bind(raft);
  const step0 = raft.step.bind(raft);
  raft.tick = () => {
    log.ticks++;
    if (raft.ticksToNextTimer !== 1 && !raft.hasReady()) log.early++;
    tick0();
  };
  raft.step = (m) => {
    log.steps++;
    step0(m);
  };
}

test('steady state: a follower is never ticked, only stepped; a leader is ticked only when a timer is due', async () => {
  const rig = rigWith('due', 1, 0);
  for (const s of [0, 1, 2]) assert.ok((await create(rig, s, 0, 'cas')).ok);
  for (let t = 0; t < 300 && !rig.model.census().some((e) => e.role === 'leader'); t++) await tick(rig);
  for (let t = 0; t < 20; t++) await tick(rig); // settle into heartbeats
  const nodes = [...rig.model.core.nodes()];
  const logs = nodes.map(() => ({ ticks: 0, steps: 0, early: 0 }));
  nodes.forEach((n, i) => spy(n, logs[i]!));
  for (let t = 0; t < 200; t++) await tick(rig);
  const leader = nodes.findIndex((n) => n.raft.role === 'leader');
  assert.ok(leader >= 0);
  for (let i = 0; i < nodes.length; i++) {
    assert.equal(logs[i]!.early, 0, `instance ${nodes[i]!.instanceId} was ticked before a timer was due`);
    if (i === leader) {
      // 200 ticks: 20 heartbeats; the lost-quorum checks (every 100) fall on heartbeat ticks.
      assert.equal(logs[i]!.ticks, 20, 'the leader is ticked at its heartbeats only');
    } else {
      assert.equal(logs[i]!.ticks, 0, 'an idle follower is never ticked');
      assert.equal(logs[i]!.steps, 20, 'a follower is stepped once per heartbeat');
    }
  }
  assert.equal(nodes.filter((n) => n.raft.role === 'leader').length, 1, 'no election happened meanwhile');
});
