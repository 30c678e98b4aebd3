import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { JetStreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { emptyContenderCounts, startContenders } from '../../src/target/nats/contenders.js';

/**
 * The publish load on a connection that closes under it (the client gave up reconnecting): the
 * loop must stop and count it, never reject unobserved (an unhandled rejection ends the process,
 * which lost a whole calibration command's report once).
 */
test('a connection that closes under the publish load stops the load, counts it, and stop() resolves', async () => {
  let firstPublish!: () => void;
  const published = new Promise<void>((res) => (firstPublish = res));
  let calls = 0;
  const nc = {
    publish: () => {
      calls++;
      firstPublish();
      if (calls > 3) throw new Error('closed connection');
    },
    flush: () => Promise.resolve(),
  } as unknown as NatsConnection;
  const jsm = { streams: { update: () => Promise.resolve({}) } } as unknown as JetStreamManager;
  const counts = emptyContenderCounts();
  // 1,000 msg/s: 20 per 20 ms tick, so the 4th publish of the first tick throws.
  const c = startContenders([], nc, jsm, 'S', 'subj', 1000, counts);
  const unhandled: unknown[] = [];
  const onUnhandled = (e: unknown): void => void unhandled.push(e);
  process.on('unhandledRejection', onUnhandled);
  try {
    await published;
    await c.stop();
    assert.equal(counts.published, 3);
    assert.equal(counts.publishErrors, 1);
    assert.equal(calls, 4, 'no publish after the first refusal');
    assert.deepEqual(unhandled, []);
  } finally {
    process.off('unhandledRejection', onUnhandled);
  }
});
