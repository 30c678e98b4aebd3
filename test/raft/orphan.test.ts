/**
 * The #5824 symptom generator: a node whose peers are gone (an "orphan") campaigns every election
 * timeout forever, and each campaign makes exactly two term/vote writes: {term+1, previous vote}
 * on the switch to candidate (NATS writes before it votes: '' the first time, itself after), then
 * {term+1, self} for its self-vote. (2.10.x skips the second when the first succeeded and was
 * identical; an orphan's first fails, which clears the skip, so both reach the disk.) A host whose store dir is gone turns
 * each of those into an ENOENT on tav.idx.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Prng } from '../../src/env/prng.js';
import { NATS_TIMING } from '../../src/raft/config.js';
import { RaftNode } from '../../src/raft/node.js';
import { seedsFor } from './seeds.js';

const TICKS = 10_000;

test('an orphan re-campaigns forever, 2 writes per election timeout', () => {
  for (const seed of seedsFor(20)) {
    const n = new RaftNode({ id: 'orphan00', peers: ['orphan00', 'gone0001', 'gone0002'], timing: NATS_TIMING, prng: new Prng(seed) });
    let writes = 0;
    let campaigns = 0;
    let lastCampaignAt = 0;
    for (let t = 1; t <= TICKS; t++) {
      n.tick();
      if (!n.hasReady()) continue;
      const r = n.ready();
      campaigns++;
      const term = n.term;
      assert.deepEqual(r.termVoteWrites, [{ term, vote: term === 1 ? '' : 'orphan00' }, { term, vote: 'orphan00' }], `seed ${seed} tick ${t}`);
      assert.deepEqual(r.messages.map((m) => [m.type, m.to, m.term]), [['vote-request', 'gone0001', term], ['vote-request', 'gone0002', term]]);
      assert.equal(r.committed.length, 0);
      const gap = t - lastCampaignAt;
      assert.ok(gap >= NATS_TIMING.electionTimeoutMinTicks && gap <= NATS_TIMING.electionTimeoutMaxTicks, `gap ${gap} (seed ${seed})`);
      lastCampaignAt = t;
      writes += r.termVoteWrites.length;
      n.advance();
      assert.equal(n.role, 'candidate');
    }
    assert.equal(n.term, campaigns, 'one term per campaign');
    assert.ok(writes >= (2 * TICKS) / 90 && writes <= (2 * TICKS) / 40, `${writes} writes in ${TICKS} ticks (seed ${seed})`);
    // Forever: it is still due to campaign again.
    assert.ok(n.ticksToElection > 0 && n.ticksToElection <= NATS_TIMING.electionTimeoutMaxTicks);
  }
});

test('a single-voter group leads at its first timeout and commits alone', () => {
  const n = new RaftNode({ id: 'single01', peers: ['single01'], timing: NATS_TIMING, prng: new Prng(7) });
  n.campaignSoon();
  let t = 0;
  while (n.role !== 'leader') {
    n.tick();
    t++;
  }
  assert.ok(t >= NATS_TIMING.campaignMinTicks && t <= NATS_TIMING.campaignMaxTicks);
  const r = n.ready();
  assert.deepEqual(r.termVoteWrites, [{ term: 1, vote: '' }, { term: 1, vote: 'single01' }]);
  assert.equal(r.messages.length, 0);
  assert.deepEqual(r.committed, [{ index: 1, term: 1, data: '' }]);
  n.advance();
  assert.equal(n.propose('x'), true);
  assert.deepEqual(n.ready().committed, [{ index: 2, term: 1, data: 'x' }]);
  n.advance();
  for (let i = 0; i < 1000; i++) n.tick();
  assert.equal(n.hasReady(), false, 'a lone leader heartbeats nobody');
});
