/**
 * The send budget (a storm guard): the token bucket never grants more than twice its burst plus its
 * rate over any window of simulated time (SendBudget says why twice), never refuses a sender that
 * keeps below its rate, and the one
 * send path every message takes (sendTo: a ready's messages through route, a parked node's from
 * its record) sheds what it refuses, counted, with nothing queued anywhere.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { SimClock } from '../../src/env/clock.js';
import { sendTo, type CoreCounters, type HostCoreDeps } from '../../src/host/host-core-parts.js';
import { MessageRecords } from '../../src/host/message-records.js';
import { SendBudget } from '../../src/host/send-budget.js';
import { BufferPool, WireBatchWriter } from '../../src/host/wire-batch.js';
import { EMPTY } from '../../src/raft/log.js';
import { KIND_APPEND } from '../../src/raft/message-sink.js';

test('the bucket grants at most 2 × burst + rate × window over any window of simulated time', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 2_000 }),
      fc.array(fc.oneof(fc.constant(-1), fc.integer({ min: 0, max: 400 })), { maxLength: 300 }),
      (perSecond, steps) => {
        const clock = new SimClock();
        const budget = new SendBudget(clock, perSecond);
        const burst = Math.max(1, perSecond * 0.05);
        const granted: number[] = []; // the clock at each granted take
        for (const step of steps) {
          if (step >= 0) clock.advanceMs(step);
          else if (budget.take()) granted.push(clock.nowMs());
        }
        // Every window [granted[i], granted[j]]: j - i + 1 takes in (t_j - t_i) ms.
        for (let i = 0; i < granted.length; i++) {
          for (let j = i; j < granted.length; j++) {
            const allowed = 2 * burst + (perSecond * (granted[j]! - granted[i]!)) / 1000;
            assert.ok(j - i + 1 <= allowed + 1e-9, `${j - i + 1} takes in ${granted[j]! - granted[i]!} ms at ${perSecond}/s (burst ${burst})`);
          }
        }
      },
    ),
    { numRuns: 300 },
  );
});

test('a sender that keeps below the rate is never refused', () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 1_000 }), fc.integer({ min: 1, max: 500 }), (perSecond, takes) => {
      const clock = new SimClock();
      const budget = new SendBudget(clock, perSecond);
      for (let i = 0; i < takes; i++) {
        assert.ok(budget.take(), `take ${i} at ${clock.nowMs()} ms`);
        clock.advanceMs((1000 / perSecond) * 1.001); // a hair below the rate: float sums of exactly 1/rate may fall short
      }
    }),
    { numRuns: 200 },
  );
});

function deps(allow: () => boolean): HostCoreDeps {
  return { workerId: 0, servers: 3, workers: 2, entriesPerTick: 0, directory: { liveOn: () => 1 }, budget: { take: allow }, clock: new SimClock() };
}

const counters = (): CoreCounters => ({
  ticks: 0, nodesTicked: 0, tickMsMax: 0, tickMsTotal: 0, messagesSent: 0, messagesDelivered: 0, messagesDropped: 0,
  messagesShed: 0, entriesProposed: 0, entriesCommitted: 0, raftSafetyViolations: 0, parkedSteps: 0, earlyWakes: 0,
});

test('every send takes a token: a refused one is shed and counted, and nothing is queued locally or for the other worker', () => {
  fc.assert(
    fc.property(fc.array(fc.boolean(), { minLength: 1, maxLength: 60 }), (grants) => {
      let i = 0;
      const d = deps(() => grants[i++]!);
      const c = counters();
      const local = new MessageRecords();
      const outboxes = [new WireBatchWriter(new BufferPool()), new WireBatchWriter(new BufferPool())];
      for (let k = 0; k < grants.length; k++) sendTo(KIND_APPEND, 7, 1, 100 + k, 0, 0, 3, 5, 2, 4, EMPTY, d, c, local, outboxes);
      const ok = grants.filter(Boolean).length;
      assert.equal(c.messagesShed, grants.length - ok);
      assert.equal(c.messagesSent, ok);
      // The address lives on both workers (directory): each granted send goes to both, each refused to neither.
      assert.equal(local.length, ok);
      assert.equal(outboxes[1]!.length, ok);
      assert.equal(outboxes[0]!.length, 0, 'this worker\'s own messages go to its local records, not an outbox');
    }),
    { numRuns: 200 },
  );
});
