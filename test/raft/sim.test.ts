/**
 * Property tests over many seeds with the network simulator (see sim.ts for what it checks on
 * every tick). Replay a failure with the command printed in its message.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NATS_TIMING } from '../../src/raft/config.js';
import { quorumSize } from '../../src/raft/progress.js';
import { Sim, type SimOptions } from './sim.js';
import { seedsFor } from './seeds.js';

/** Chaos knobs derived from the seed, so the seed loop also sweeps the parameters (swarm style). */
function chaos(seed: number): SimOptions {
  return {
    seed,
    voters: seed % 3 === 0 ? 5 : 3,
    lossRate: [0, 0.05, 0.2, 0.4][seed % 4] as number,
    delayMaxTicks: [1, 3, 10, 30][(seed >> 2) % 4] as number,
    duplicateRate: 0.05,
    partitionRate: 0.005,
    proposeRate: 0.1,
  };
}

// 150 seeds by default (RAFT_SEEDS=3000 for a long sweep): the first seed that catches a leader
// committing an earlier term's entry by counting (sim-sees-commit-earlier-term-by-count) is 78;
// the other two sim-sees-* mutants fail at seed 2 or 3.
test('safety under loss, delay, reordering, duplicates and partitions; convergence after heal', () => {
  for (const seed of seedsFor(150)) {
    const sim = new Sim(chaos(seed));
    sim.run(4000);
    // Heal everything, stop proposing: every node must end with the same applied sequence.
    sim.settle(sim.ids.map(() => 0), 0, 3);
    sim.stopProposals();
    sim.run(1500);
    sim.checkPrefixes();
    const lengths = sim.applied.map((a) => a.length);
    const leader = sim.stableLeader(sim.ids.map((_, i) => i));
    assert.ok(leader >= 0, `no stable leader after heal (seed ${seed})`);
    assert.ok(lengths.every((l) => l === lengths[0]), `applied lengths differ after heal: ${lengths.join(',')} (seed ${seed})`);
    assert.equal(lengths[0], sim.nodes[leader]?.commitIndex, `seed ${seed}`);
    assert.ok(sim.leaderOfTerm.size > 0, `seed ${seed}`);
  }
});

test('safety and convergence with leaders stepping down at random (NATS leader transfer)', () => {
  let transfers = 0;
  for (const seed of seedsFor(60)) {
    const sim = new Sim({ ...chaos(seed), stepDownRate: 0.01 });
    sim.run(4000);
    transfers += sim.transfers;
    sim.settle(sim.ids.map(() => 0), 0, 3);
    sim.stopProposals();
    sim.run(1500);
    sim.checkPrefixes();
    const leader = sim.stableLeader(sim.ids.map((_, i) => i));
    assert.ok(leader >= 0, `no stable leader after heal (seed ${seed})`);
  }
  assert.ok(transfers > 100, `transfers were exercised: ${transfers}`);
});

test('safety with aggressive compaction (no convergence claim: there is no snapshot transfer)', () => {
  for (const seed of seedsFor(40)) {
    const sim = new Sim({ ...chaos(seed), compactMargin: 5 });
    sim.run(4000);
    sim.checkPrefixes();
  }
});

/**
 * Liveness. After `settle`, a majority M can talk among themselves with no loss and delay in
 * [1, D] ticks (D = 3); the others stay cut off. Claim: M agrees on one leader within
 * BOUND = 15 * (electionTimeoutMaxTicks + 2D) ticks.
 *
 * Why: an election round lasts at most electionTimeoutMax + 2D ticks (the first timeout in M, then
 * one request/response round trip). It succeeds when the first of M to time out holds an up-to-date
 * log and no other member of M times out within the 2D ticks its requests take; with timeouts
 * drawn uniformly from a 50-tick window and a fresh draw on every reset, that happens with
 * probability well above 1/2 per round (measured over 300 seeds: p50 55, p99 468, max 874 ticks).
 * Fifteen failed rounds in a row then have probability below 2^-15. Randomised timeouts give no
 * hard worst case, so the bound is probabilistic; the fixed seeds make the test deterministic.
 */
test('a leader is elected within the bound once a majority can talk', (t) => {
  const D = 3;
  const bound = 15 * (NATS_TIMING.electionTimeoutMaxTicks + 2 * D);
  let worst = 0;
  for (const seed of seedsFor(300)) {
    const sim = new Sim(chaos(seed));
    sim.run(1000);
    // The majority never includes the leader of the highest term, so (nearly) every seed needs a
    // real election (before, a majority that already had its leader passed at t = 0 and measured
    // nothing). A stale leader of a lower term may stay in: it steps down at the first message.
    const q = quorumSize(sim.ids.length);
    const top = Math.max(...sim.nodes.map((n) => (n.role === 'leader' ? n.term : -1)));
    const excluded = sim.nodes.findIndex((n) => n.role === 'leader' && n.term === top);
    const members = sim.ids.map((_, i) => i).filter((i) => i !== excluded).slice(0, q);
    const components = sim.ids.map((_, i) => (members.includes(i) ? 0 : i + 1));
    sim.settle(components, 0, D);
    let t = 0;
    while (sim.stableLeader(members) < 0 && t <= bound) {
      sim.tick();
      t++;
    }
    assert.ok(t <= bound, `no leader in ${bound} ticks after the majority healed (seed ${seed})`);
    worst = Math.max(worst, t);
  }
  t.diagnostic(`worst election after heal: ${worst} ticks (bound ${bound})`);
});
