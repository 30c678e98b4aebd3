/**
 * observeOrphans and lonelyOrphans against a scripted cluster: two censuses and two stats readings
 * whose numbers are chosen here, so the rate they imply is known exactly. (The real-thread
 * measurement is test/scenario/orphan-rate.test.ts.)
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Cluster } from '../../src/cluster/cluster.js';
import type { CensusEntry, HostStats } from '../../src/cluster/protocol.js';
import { NATS_TIMING } from '../../src/raft/config.js';
import { EXPECTED_ORPHAN_FAILURES_PER_NATS_SECOND, lonelyOrphans, observeOrphans, SETTLE_NATS_SECONDS } from '../../src/scenario/observe.js';

let nextId = 1;
function entry(over: Partial<CensusEntry>): CensusEntry {
  return {
    instanceId: nextId++, server: 0, group: 0, workerId: 0, state: 'running', role: 'candidate', term: 1, commitIndex: 0, tavFailures: 0,
    inRegistry: false, inAssignment: false, ...over,
  };
}

/** A Cluster that answers census() and stats() from scripts, one reading per call. */
function scripted(censuses: CensusEntry[][], ticks: number[][]): { cluster: Cluster; calls: () => number } {
  let c = 0;
  let s = 0;
  const fake = {
    guard: <T>(p: Promise<T>) => p,
    census: () => Promise.resolve(censuses[c++] ?? assert.fail('census called too often')),
    stats: () => Promise.resolve((ticks[s++] ?? assert.fail('stats called too often')).map((t, workerId) => ({ workerId, ticks: t }) as unknown as HostStats)),
  };
  return { cluster: fake as unknown as Cluster, calls: () => c + s };
}

describe('lonelyOrphans', () => {
  test('keeps orphans whose group lives on one server only; twins on that server both count', () => {
    const lone = entry({ group: 1, server: 2 });
    const twin = entry({ group: 1, server: 2 });
    const acrossA = entry({ group: 2, server: 0 });
    const acrossB = entry({ group: 2, server: 1 });
    const referenced = entry({ group: 3, server: 0, inAssignment: true });
    const registered = entry({ group: 4, server: 0, inRegistry: true });
    const deleting = entry({ group: 5, server: 0, state: 'deleting' });
    const withLiveReplica = entry({ group: 6, server: 0 });
    const liveReplica = entry({ group: 6, server: 1, inAssignment: true });
    const got = lonelyOrphans([lone, twin, acrossA, acrossB, referenced, registered, deleting, withLiveReplica, liveReplica]);
    assert.deepEqual([...got.keys()].sort((a, b) => a - b), [lone.instanceId, twin.instanceId]);
    assert.equal(got.get(lone.instanceId), lone);
  });

  test('orphans of one group on several servers are not lonely: they can elect each other and fall silent', () => {
    assert.equal(lonelyOrphans([entry({ group: 7, server: 0 }), entry({ group: 7, server: 1 }), entry({ group: 7, server: 2 })]).size, 0);
  });
});

describe('observeOrphans', () => {
  test('the rate is the lonely orphans\' failures per orphan per NATS second of ticks really run', async () => {
    const a = entry({ group: 1, server: 0, tavFailures: 10 });
    const b = entry({ group: 2, server: 1, tavFailures: 4 });
    const gone = entry({ group: 3, server: 2, tavFailures: 0 }); // not in the second census: not counted
    const before = [a, b, gone];
    const after = [{ ...a, tavFailures: 16 }, { ...b, tavFailures: 8 }, entry({ group: 4, server: 0, tavFailures: 99 })];
    // Workers ran 300 and 500 ticks over the window: mean 400 ticks = 40 NATS seconds.
    const { cluster, calls } = scripted([before, after], [[100, 200], [400, 700]]);
    const o = await observeOrphans(cluster, 0.01, 30);
    assert.equal(calls(), 4);
    assert.equal(o.orphansObserved, 2);
    assert.equal(o.failures, 10);
    assert.equal(o.natsSeconds, 40);
    assert.equal(o.failuresPerNatsSecond, 10 / (2 * 40));
  });

  test('null when no orphan stayed alone in its group for the whole window (nothing to measure)', async () => {
    const x = entry({ group: 1, server: 0 });
    const y = entry({ group: 1, server: 1 });
    const { cluster } = scripted([[x, y], [x, y]], [[0], [100]]);
    const o = await observeOrphans(cluster, 0.01, 10);
    assert.deepEqual(o, { orphansObserved: 0, failures: 0, natsSeconds: 10, failuresPerNatsSecond: null });
  });

  test('null when no tick ran (no NATS time passed), even with orphans', async () => {
    const x = entry({ group: 1, server: 0, tavFailures: 2 });
    const { cluster } = scripted([[x], [{ ...x, tavFailures: 2 }]], [[5, 5], [5, 5]]);
    const o = await observeOrphans(cluster, 0.01, 10);
    assert.equal(o.natsSeconds, 0);
    assert.equal(o.failuresPerNatsSecond, null);
  });

  test('an abort while the orphans settle: nothing was watched (0 orphans, null rate), and no census is taken', async () => {
    const { cluster, calls } = scripted([[], []], [[0], [0]]);
    const ac = new AbortController();
    const p = observeOrphans(cluster, 10, 10, ac.signal);
    ac.abort();
    assert.deepEqual(await p, { orphansObserved: 0, failures: 0, natsSeconds: 0, failuresPerNatsSecond: null });
    assert.equal(calls(), 0);
  });

  test('an abort during a 50 s window keeps what it saw: the closing census is taken at once', async () => {
    const lone = entry({ server: 0, group: 9, tavFailures: 2 });
    const { cluster, calls } = scripted([[lone], [{ ...lone, tavFailures: 6 }]], [[0], [20]]);
    const ac = new AbortController();
    const o = await observeOrphans(cluster, 0.05, 1e6, ac.signal, { onWindowStart: () => ac.abort() });
    assert.equal(calls(), 4, 'both censuses and both stats readings');
    assert.equal(o.orphansObserved, 1);
    assert.equal(o.failures, 4);
    assert.equal(o.natsSeconds, 2);
    assert.equal(o.failuresPerNatsSecond, 2);
  });

  test('NATS constants: settle = two lost-quorum checks; expected rate = 2 writes per mean election timeout', () => {
    assert.equal(SETTLE_NATS_SECONDS, (2 * NATS_TIMING.lostQuorumTicks) / 10);
    assert.equal(SETTLE_NATS_SECONDS, 20);
    assert.equal(EXPECTED_ORPHAN_FAILURES_PER_NATS_SECOND, 2 / 6.5);
  });
});
