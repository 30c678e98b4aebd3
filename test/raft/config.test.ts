import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NATS_TICK_MS, NATS_TIMING, type RaftTiming, validateTiming } from '../../src/raft/config.js';

test('NATS timing: election 4-9 s, heartbeat 1 s, campaign 100-800 ms, at 100 ms per tick', () => {
  assert.equal(NATS_TICK_MS, 100);
  assert.deepEqual({ ...NATS_TIMING }, { electionTimeoutMinTicks: 40, electionTimeoutMaxTicks: 90, heartbeatTicks: 10, campaignMinTicks: 1, campaignMaxTicks: 8, lostQuorumTicks: 100 });
  validateTiming(NATS_TIMING);
  assert.ok(Object.isFrozen(NATS_TIMING));
});

test('validateTiming names the field and the allowed range', () => {
  const cases: [Partial<RaftTiming>, RegExp][] = [
    [{ electionTimeoutMinTicks: 1 }, /^electionTimeoutMinTicks must be an integer in \[2, 1000000\], got 1$/],
    [{ electionTimeoutMinTicks: 40.5 }, /^electionTimeoutMinTicks .* got 40\.5$/],
    [{ electionTimeoutMaxTicks: 39 }, /^electionTimeoutMaxTicks must be an integer in \[40, 1000000\], got 39$/],
    [{ electionTimeoutMaxTicks: Number.NaN }, /^electionTimeoutMaxTicks .* got NaN$/],
    [{ heartbeatTicks: 40 }, /^heartbeatTicks must be an integer in \[1, 39\], got 40$/],
    [{ heartbeatTicks: 0 }, /^heartbeatTicks/],
    [{ campaignMinTicks: 0 }, /^campaignMinTicks must be an integer in \[1, 90\], got 0$/],
    [{ campaignMaxTicks: 91 }, /^campaignMaxTicks must be an integer in \[1, 90\], got 91$/],
    [{ campaignMinTicks: 5, campaignMaxTicks: 4 }, /^campaignMaxTicks must be an integer in \[5, 90\], got 4$/],
    [{ lostQuorumTicks: 10 }, /^lostQuorumTicks must be an integer in \[11, 1000000\], got 10$/],
  ];
  for (const [patch, re] of cases) {
    assert.throws(() => validateTiming({ ...NATS_TIMING, ...patch }), (e: unknown) => e instanceof RangeError && re.test(e.message), JSON.stringify(patch));
  }
});
