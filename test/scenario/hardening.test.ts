import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { Ajv } from 'ajv';
import { Cluster } from '../../src/cluster/cluster.js';
import { buildConfig, type ScenarioConfig } from '../../src/scenario/config.js';
import { measureOrphanRate } from '../../src/scenario/orphan-rate.js';
import { RESULT_JSON_SCHEMA } from '../../src/scenario/result.js';
import { CALLS_IN_FLIGHT_PER_WORKER, runScenario, type RunOptions } from '../../src/scenario/run.js';

const validate = new Ajv({ allErrors: true }).compile(RESULT_JSON_SCHEMA);

function cfg(over: Partial<ScenarioConfig>): ScenarioConfig {
  return buildConfig({ groups: 10, concurrency: 4, workers: 2, timeScaleMs: 2, observeNatsSeconds: 0, groupLifetimeMs: 2, seed: 5, ...over });
}

async function inPrivateDir<T>(f: (dir: string) => Promise<T>): Promise<{ value: T; left: string[] }> {
  const dir = await mkdtemp(join(tmpdir(), 'raftrace-hardening-'));
  try {
    const value = await f(dir);
    return { value, left: await readdir(dir) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

describe('hardening: a run never hangs on its own bookkeeping', () => {
  // Bug class: one abort listener per sleeping caller (O(n²) in Node's EventTarget, a starved main thread).
  test('however many callers sleep at once, the abort signal carries at most 2 listeners', async () => {
    const ac = new AbortController();
    let most = 0;
    let samples = 0;
    const r = await inPrivateDir((dir) =>
      runScenario(cfg({ strategy: 'cas', groups: 48, concurrency: 32, callersPerCreate: 4, callerSpreadMs: 20, groupLifetimeMs: 40 }), {
        signal: ac.signal,
        storeParentDir: dir,
        onProgress: (p) => {
          if (p.phase !== 'churn' || p.groupsDone === 0) return;
          samples++;
          most = Math.max(most, getEventListeners(ac.signal, 'abort').length);
        },
      }),
    );
    assert.ok(samples > 10, `progress sampled ${samples} times`);
    assert.ok(most <= 2, `${most} abort listeners at once (one per sleeping caller is the O(n²) bug)`);
    assert.equal(getEventListeners(ac.signal, 'abort').length, 0, 'every listener removed at the end');
    assert.deepEqual(r.left, []);
  });

  // Bug class: every caller's request handed to piscina at once (98k queued tasks re-scanned: a deaf main thread).
  test('creation requests in flight to the workers stay bounded whatever concurrency × callers', async () => {
    // eslint-disable-next-line @typescript-eslint/unbound-method -- restored as is in finally
    const original = Cluster.prototype.create;
    let inFlight = 0;
    let most = 0;
    Cluster.prototype.create = async function (this: Cluster, call) {
      most = Math.max(most, ++inFlight);
      try {
        return await original.call(this, call);
      } finally {
        inFlight--;
      }
    };
    try {
      // 64 groups × 3 servers × 8 callers = 1536 requests could be issued at once.
      const r = await inPrivateDir((dir) =>
        runScenario(cfg({ strategy: 'cas', groups: 64, concurrency: 64, callersPerCreate: 8, callerSpreadMs: 0, diskLatencyMinMs: 5, diskLatencyMaxMs: 5 }), { storeParentDir: dir }),
      );
      assert.equal(r.value.counts.createRequests, 64 * 3 * 8);
      assert.ok(most <= 2 * CALLS_IN_FLIGHT_PER_WORKER, `${most} requests in flight at once, bound ${2 * CALLS_IN_FLIGHT_PER_WORKER}`);
      assert.ok(most >= CALLS_IN_FLIGHT_PER_WORKER / 2, `${most}: the bound should not serialise the run either`);
    } finally {
      Cluster.prototype.create = original;
    }
  });

  // Bug class: the first Ctrl-C waited for every in-flight disk operation (10 s each), unbounded.
  test('an abort while creations sit on 10 s disk operations returns a partial result within the stated bound', { timeout: 120_000 }, async () => {
    const ac = new AbortController();
    let abortedAt = 0;
    const abort = (): void => {
      if (abortedAt !== 0) return;
      abortedAt = performance.now();
      ac.abort();
    };
    const opts = (dir: string): RunOptions => ({
      signal: ac.signal,
      storeParentDir: dir,
      onProgress: (p) => {
        // Creations are dispatched in the same turn as `churn 0` (no caller spread): abort right after.
        // (Not a timer after `starting`: the cluster may take seconds to start on a busy machine, and an
        // abort before the churn leaves nothing in flight to bound.)
        if (p.phase === 'churn') setImmediate(abort);
      },
    });
    const r = await inPrivateDir((dir) =>
      // No wait timeout: creators queued behind the held server lock would otherwise give up at 30 s.
      runScenario(cfg({ strategy: 'locked', groups: 4, concurrency: 4, callersPerCreate: 2, callerSpreadMs: 0, diskLatencyMinMs: 10_000, diskLatencyMaxMs: 10_000, waitTimeoutMs: 3_600_000 }), opts(dir)),
    );
    const afterMs = performance.now() - abortedAt;
    // The bound is 8 s (INTERRUPT_GRACE_MS + 3 steps) plus the store removal. A creation in flight
    // needs at least two 10 s disk operations, so waiting for it cannot come in under 20 s.
    assert.ok(afterMs < 15_000, `returned ${afterMs.toFixed(0)} ms after the abort (bound: 8 s + store removal)`);
    assert.equal(r.value.partial, true);
    assert.ok(validate(r.value), JSON.stringify(validate.errors));
    assert.deepEqual(r.left, [], 'the run store is removed even with abandoned disk operations');
  });
});

describe('hardening: `clean` only when the claim was exercised', () => {
  test('every disk operation failing (EIO rate 1): inconclusive, not clean', async () => {
    const r = await inPrivateDir((dir) => runScenario(cfg({ strategy: 'cas', diskEioRate: 1 }), { storeParentDir: dir }));
    assert.equal(r.value.counts.createFailures, r.value.counts.createRequests);
    assert.equal(r.value.verdict.outcome, 'inconclusive', r.value.verdict.reasons.join('; '));
    assert.deepEqual(r.value.verdict.exercised, { pairs: 30, pairsOk: 0, minimum: 15 });
    assert.ok(validate(r.value), JSON.stringify(validate.errors));
  });

  test('one caller per (server, group): nothing raced, inconclusive', async () => {
    const r = await inPrivateDir((dir) => runScenario(cfg({ strategy: 'inflight', callersPerCreate: 1 }), { storeParentDir: dir }));
    assert.equal(r.value.counts.createFailures, 0);
    assert.equal(r.value.verdict.outcome, 'inconclusive');
  });

  test('two successful callers per (server, group): clean, with the exercised counts', async () => {
    const r = await inPrivateDir((dir) => runScenario(cfg({ strategy: 'cas', callersPerCreate: 2 }), { storeParentDir: dir }));
    assert.equal(r.value.verdict.outcome, 'clean', r.value.verdict.reasons.join('; '));
    assert.deepEqual(r.value.verdict.exercised, { pairs: 30, pairsOk: 30, minimum: 15 });
  });

  test('a creator that times out waiting (RT_WAIT_TIMEOUT) is a harness failure, as documented', async () => {
    // locked holds the server lock across NATS's 14 disk operations of 40 ms each (> 500 ms): the
    // second caller of the one group waits far beyond 100 ms. One group keeps the run short.
    const r = await inPrivateDir((dir) =>
      runScenario(cfg({ strategy: 'locked', groups: 1, concurrency: 1, callersPerCreate: 2, callerSpreadMs: 0, diskLatencyMinMs: 40, diskLatencyMaxMs: 40, waitTimeoutMs: 100 }), { storeParentDir: dir }),
    );
    assert.match(r.value.harnessFailure ?? '', /RT_WAIT_TIMEOUT/);
    assert.notEqual(r.value.verdict.outcome, 'clean');
  });
});

describe('hardening: an interrupted observation keeps what it saw', () => {
  test('aborting the orphan window early still counts the orphans watched', { timeout: 60_000 }, async () => {
    const ac = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const r = await measureOrphanRate({
      groups: 3, workers: 2, timeScaleMs: 2, observeNatsSeconds: 100_000, seed: 3, signal: ac.signal,
      // Any moment inside the window will do: the orphans are there from its start.
      onWindowStart: () => (timer = setTimeout(() => ac.abort(), 300)),
    });
    clearTimeout(timer);
    assert.equal(r.orphansAtEnd, 3);
    assert.equal(r.orphansObserved, 3, 'the three orphans alone in their groups were watched');
    assert.ok(r.natsSeconds > 0 && r.natsSeconds < 100_000, `watched ${r.natsSeconds} NATS s`);
  });
});
