/**
 * Parking (src/raft/parked.ts, HostCoreDeps.park) must change nothing but where a steady node's
 * counters live: the same seed gives the same trace tick for tick with parking on, off, and in
 * the every-node loop, through elections that parked timers and streams decide (a leader deleted under
 * its parked followers), a group deleted and re-created by racing creators, with and without load,
 * on one and two workers; and at the end every node's whole Raft state (timers, askers included)
 * is the same with parking on and off. The parked runs must really park (not a vacuous equality).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { replicasOf, serverOfNodeId } from '../../src/host/address.js';
import { BufferPool, WireBatchWriter } from '../../src/host/wire-batch.js';
import { EMPTY } from '../../src/raft/log.js';
import { KIND_APPEND } from '../../src/raft/message-sink.js';
import { NATS_TIMING, type RaftTiming } from '../../src/raft/config.js';
import { create, createGroups, remove, rigWith, tick, traceLine, workerOf, type Rig } from '../fixtures/model-rig.js';


/** Every live instance's whole Raft and host state (get() unparks it first). */
function endState(rig: Rig): string {
  return rig.models
    .flatMap((m) =>
      [...m.core.nodes()].map((x) => {
        const n = m.core.get(x.instanceId)!;
        const r = n.raft;
        const timers = n.started && n.state !== 'deleting' ? r.ticksToNextTimer : -1;
        return `${n.instanceId}:${r.role}/${r.term}/${r.vote}/${r.leaderId}/${r.commitIndex}/${r.lastIndex}/${r.appliedIndex}/${timers}/${r.tickCount}/${String(r.hasReady())}/${n.askerOf(0)},${n.askerOf(1)},${n.askerOf(2)}`;
      }),
    )
    .sort()
    .join(' ');
}

interface Run {
  readonly trace: string[];
  readonly end: string;
  readonly parked: number;
  readonly delivered: number;
  /** Node ticks run (due timers fired): parking must fire the same ones. */
  readonly ticked: number;
  /** Listed turns with nothing due (CoreCounters.earlyWakes): parked followers' lazy timers make many. */
  readonly earlyWakes: number;
}

async function record(mode: 'due' | 'every', park: boolean, workers: number, seed: number, load: number, groups = 12, timing: RaftTiming = NATS_TIMING): Promise<Run> {
  const rig = rigWith(mode, workers, load, seed, park, timing);
  const ids = await createGroups(rig, groups, workers);
  const { servers, replicas } = rig.config;
  const trace: string[] = [];
  for (let t = 1; t <= 360; t++) {
    await tick(rig);
    if (t === 120) {
      // Group 1's leader goes: its followers campaign when their (parked) election timers run out.
      const leader = rig.models.flatMap((m) => m.census()).find((e) => e.group === 1 && e.role === 'leader' && e.state === 'running');
      assert.ok(leader, 'group 1 has a leader by tick 120');
      assert.ok((await remove(rig, leader.server, 1, leader.instanceId, 'cas', workerOf(1, leader.server, workers))).ok);
    }
    if (t === 200) {
      for (const s of replicasOf(2, servers, replicas)) assert.ok((await remove(rig, s, 2, ids.get(`${s}/2`)!, 'cas', workerOf(2, s, workers))).ok);
      // Two racy creators per replica: duplicates at one address take the object path.
      await Promise.all(replicasOf(2, servers, replicas).flatMap((s) => [0, 1].map(() => create(rig, s, 2, 'racy', undefined, workerOf(2, s, workers)))));
    }
    trace.push(traceLine(rig));
  }
  const c = rig.models.map((m) => m.core.counters);
  return { trace, end: endState(rig), parked: c.reduce((n, x) => n + x.parkedSteps, 0), delivered: c.reduce((n, x) => n + x.messagesDelivered, 0), ticked: c.reduce((n, x) => n + x.nodesTicked, 0), earlyWakes: c.reduce((n, x) => n + x.earlyWakes, 0) };
}

// Against the every-node loop too: a lost leader's followers elect when their timers say, and a
// follower stepped before its slot's turn in a due tick is as of the tick before (HostCore.stepTick;
// this test found that the due tick had brought it up to the current tick, one tick late).
for (const workers of [1, 2]) {
  for (const load of [0, 3]) {
    test(`${workers} worker(s), ${load} entries/s per group, 3 seeds: parking on = parking off = every-node loop, tick for tick, and the same end state`, async () => {
      for (let seed = 1; seed <= 3; seed++) {
        const every = await record('every', false, workers, seed, load);
        const off = await record('due', false, workers, seed, load);
        const on = await record('due', true, workers, seed, load);
        assert.ok(off.trace.at(-1)!.includes('l'), 'leaders were elected');
        assert.notEqual(off.trace[118], off.trace[150], 'the run changes after the leader is lost (the trace is not trivially equal)');
        for (let t = 0; t < off.trace.length; t++) {
          assert.equal(off.trace[t], every.trace[t], `seed ${seed}: parking off vs every-node loop, tick ${t + 1}`);
          assert.equal(on.trace[t], off.trace[t], `seed ${seed}: parking on vs off, tick ${t + 1}`);
        }
        assert.equal(on.end, off.end, `seed ${seed}: end state`);
        assert.equal(on.ticked, off.ticked, `seed ${seed}: node ticks (a parked node is ticked only when a timer is due)`);
        assert.equal(off.parked, 0);
        // Without load most steps are parked. With load leaders never park and every append moves a
        // follower's log or commit (object path): followers park after each step and are unparked by
        // the next, so that run checks the round trip, not the parked steps.
        if (load === 0) assert.ok(on.parked > 0.5 * on.delivered, `seed ${seed}: ${on.parked} parked steps of ${on.delivered} deliveries`);
        // Not vacuous: parked followers' heartbeats left their wheel entries and they woke early.
        if (load === 0) assert.ok(on.earlyWakes > off.earlyWakes + 50, `seed ${seed}: ${on.earlyWakes} early wakes parked vs ${off.earlyWakes} unparked`);
      }
    });
  }
}

// Timers of one to four ticks: elections, split votes and step-downs all the time, so most steps
// land on nodes whose timers are about to fire.
const TWITCHY: RaftTiming = Object.freeze({ electionTimeoutMinTicks: 2, electionTimeoutMaxTicks: 4, heartbeatTicks: 1, campaignMinTicks: 1, campaignMaxTicks: 2, lostQuorumTicks: 3 });

for (const workers of [1, 2]) {
  test(`${workers} worker(s), timers of 1-4 ticks, 3 seeds: parking on = off = every-node loop, tick for tick`, async () => {
    for (let seed = 1; seed <= 3; seed++) {
      const every = await record('every', false, workers, seed, 0, 12, TWITCHY);
      const off = await record('due', false, workers, seed, 0, 12, TWITCHY);
      const on = await record('due', true, workers, seed, 0, 12, TWITCHY);
      for (let t = 0; t < off.trace.length; t++) {
        assert.equal(off.trace[t], every.trace[t], `seed ${seed}: parking off vs every-node loop, tick ${t + 1}`);
        assert.equal(on.trace[t], off.trace[t], `seed ${seed}: parking on vs off, tick ${t + 1}`);
      }
      assert.equal(on.end, off.end, `seed ${seed}: end state`);
      assert.equal(on.ticked, off.ticked, `seed ${seed}: node ticks`);
    }
  });
}

// A twin of the leader (the race's duplicate at its address, same term) heartbeats a parked
// follower: the answer goes to the twin, and once unparked the follower still names the twin as the
// last asker from that address (what the object path would have recorded).
test('a parked follower answering a twin of its leader keeps that asker when unparked', async () => {
  const rig = rigWith('due', 1, 0, 11, true);
  await createGroups(rig, 1, 1);
  for (let t = 0; t < 200; t++) await tick(rig);
  const core = rig.model.core;
  const follower = [...core.nodes()].find((n) => n.raft.isParked && n.raft.role === 'follower');
  assert.ok(follower, 'a follower is parked');
  const leaderId = follower.raft.leaderId;
  const leaderAt = follower.raft.peers.indexOf(leaderId);
  const img = follower.raft.logImage();
  const lastTerm = img.entries.length > 0 ? img.entries[img.entries.length - 1]!.term : img.snapTerm;
  const twin = 999_999;
  const out = new WireBatchWriter(new BufferPool());
  out.pushFields(KIND_APPEND, follower.group, follower.server, twin, 0, serverOfNodeId(leaderId), follower.raft.term, follower.raft.lastIndex, lastTerm, follower.raft.commitIndex, EMPTY);
  const parked0 = core.counters.parkedSteps;
  core.receive(out.take());
  assert.equal(core.counters.parkedSteps, parked0 + 1, 'the twin\'s heartbeat was answered from the record');
  assert.equal(core.get(follower.instanceId)!.askerOf(leaderAt), twin);
  assert.equal(follower.raft.isParked, false, 'get() unparked it');
});
