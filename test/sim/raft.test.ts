import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SimConfig } from '../../src/sim/config.js';
import { sample } from '../../src/sim/explore.js';
import { replay } from '../../src/sim/run.js';
import { decodeSchedule, encodeSchedule } from '../../src/sim/schedule-codec.js';
import { SimDisk } from '../../src/sim/sim-disk.js';

const disk = new SimDisk();
const world = (strategy: SimConfig['strategy']): SimConfig => ({ strategy, servers: 3, replicas: 3, groups: 1, callers: 2, withDelete: false, raftTicks: 60 });
const o = { mode: 'random' as const, budget: 60, seconds: 0, seed: 2, depth: 2 };

test('Raft on simulated time: racy duplicates elect two leaders in one term; the failing schedule replays it', async () => {
  const cfg = world('racy');
  const x = await sample(cfg, disk, o);
  assert.ok(x.tally.duplicate > 0);
  assert.ok(x.tally.safety > 0, 'duplicated voters give two leaders in a term');
  const bad = x.firstFailure;
  assert.ok(bad);
  const back = decodeSchedule(encodeSchedule(cfg, bad.schedule));
  assert.equal(back.cfg.raftTicks, 60);
  const again = await replay(back.cfg, disk, back.threads, 'none');
  assert.equal(again.outcome, bad.outcome, 'same terminal state, Raft counters included');
});

test('Raft on simulated time: cas has one instance per (server, group) and no safety violation', async () => {
  const x = await sample(world('cas'), disk, o);
  assert.equal(x.tally.duplicate, 0);
  assert.equal(x.tally.safety, 0);
  assert.ok(x.terminalStates > 1, 'the schedules really differ');
});
