/**
 * The host core's tick touches only due nodes (timer wheel) and must be indistinguishable from the
 * former every-node loop: same seed, same event trace. Also: a due node is ticked exactly when its
 * timer fires, and an idle follower is never ticked (only stepped when a message arrives).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { replicasOf } from '../../src/host/address.js';
import type { HostedNode } from '../../src/host/hosted-node.js';
import { create, createGroups, remove, rigWith, tick, traceLine, workerOf } from '../fixtures/model-rig.js';


/** `groups` R3 groups over `workers` workers with load; at tick 150 group 2 is deleted and re-created; 400 ticks. */
async function recordRun(tickMode: 'due' | 'every', workers: number, seed = 11, groups = 8): Promise<string[]> {
  const rig = rigWith(tickMode, workers, 3, seed);
  const ids = await createGroups(rig, groups, workers);
  const { servers, replicas } = rig.config;
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
    trace.push(traceLine(rig));
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

// On the object path (parking off): parked nodes are neither ticked nor stepped as objects at all,
// which test/host/parked-host.test.ts checks.
test('steady state: a follower is never ticked, only stepped; a leader is ticked only when a timer is due', async () => {
  const rig = rigWith('due', 1, 0, 11, false);
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

// The class, not one seed: local delivery runs between the due nodes of a tick, so a node due later
// in the same tick can be stepped before its turn (a heartbeat reaching a follower whose election
// timer fires this very tick). The due tick must still match the every-node loop, and never skip a
// node past its timer (that threw BAD_SKIP out of the worker) or apply a tick twice.
test('over 4 seeds × 16 groups, 1 and 2 workers: due == every, tick for tick, also when a due node is stepped before its turn', async () => {
  for (let seed = 1; seed <= 4; seed++) {
    for (const workers of [1, 2]) {
      const every = await recordRun('every', workers, seed, 16);
      const due = await recordRun('due', workers, seed, 16);
      for (let t = 0; t < every.length; t++) assert.equal(due[t], every[t], `seed ${seed}, ${workers} worker(s), tick ${t + 1}`);
    }
  }
});

// The interleaving forced: a follower whose timer fires in the very tick of its leader's heartbeat,
// and which comes after the leader in the tick's order (a new group's first replica set to campaign
// soon while a twin's leader keeps sending to its address is how a racy run met it: the worker died
// of BAD_SKIP). The heartbeat is delivered between the two nodes' turns; the follower must get it as
// of the tick before, then take its own turn as the every-node loop does: a tick there, and in due
// ticks a skip (the heartbeat moved its timer past this tick, so its turn fires nothing).
for (const mode of ['due', 'every'] as const) {
  test(`${mode} tick: a heartbeat reaching a follower due later in the same tick is stepped before its turn, and the follower's turn still comes`, async () => {
    // The object path (parking off): the test reads timers and spies on tick() between ticks.
    const rig = rigWith(mode, 1, 0, 11, false);
    for (const s of [0, 1, 2]) assert.ok((await create(rig, s, 0, 'cas')).ok);
    for (let t = 0; t < 300 && !rig.model.census().some((e) => e.role === 'leader'); t++) await tick(rig);
    for (let t = 0; t < 20; t++) await tick(rig);
    const nodes = [...rig.model.core.nodes()];
    const leader = nodes.find((n) => n.raft.role === 'leader')!;
    const later = nodes.filter((n) => n !== leader && n.slot > leader.slot);
    assert.ok(later.length > 0, `a follower after the leader in tick order (leader slot ${leader.slot})`);
    const follower = later[0]!;
    // Ticks until the leader's next heartbeat: a due-mode leader's counters are current only right
    // after its own tick, so wait for one there.
    const leaderLog = { ticks: 0, steps: 0, early: 0 };
    spy(leader, leaderLog);
    if (mode === 'due') for (let t = 0; t < 20 && leaderLog.ticks === 0; t++) await tick(rig);
    let ahead = leader.raft.ticksToNextTimer;
    // Campaign timeouts are drawn in [1, 8] ticks: step to 4 ticks ahead, then redraw until the
    // follower's timer lands on the heartbeat tick.
    for (; ahead > 4; ahead--) await tick(rig);
    for (let i = 0; i < 500 && follower.raft.ticksToNextTimer !== ahead; i++) rig.model.core.campaignSoon(follower);
    assert.equal(follower.raft.ticksToNextTimer, ahead, 'the follower is due in the heartbeat tick');
    for (; ahead > 1; ahead--) await tick(rig);
    const leaderTicks = leaderLog.ticks;
    const log = { ticks: 0, steps: 0, early: 0 };
    spy(follower, log);
    const termBefore = follower.raft.term;
    await tick(rig);
    assert.equal(leader.raft.ticksToNextTimer, 10, 'this tick was the leader\'s heartbeat tick');
    assert.ok(leaderLog.ticks > leaderTicks, 'the leader took its turn');
    assert.equal(log.steps >= 1, true, 'the heartbeat was delivered to the follower');
    // Every-node loop: every node ticks. Due ticks: its timer moved past this tick, so its turn is a
    // skip (a tick that fires nothing; HostCore.tickOne) and the next due tick lists it again.
    assert.equal(log.ticks, mode === 'every' ? 1 : 0, 'the follower\'s own turn in that tick: a tick in the every-node loop, a skip in due ticks');
    assert.ok(mode === 'every' || rig.model.core.counters.earlyWakes > 0, 'the skipped turn is counted');
    // As in the every-node loop: the heartbeat came first and reset its election timer.
    assert.equal(follower.raft.term, termBefore, 'no campaign: the heartbeat reached it before its turn');
    assert.equal(follower.raft.role, 'follower');
  });
}
