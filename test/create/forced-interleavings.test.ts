import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { STRATEGIES, STRATEGY_NAMES, type StrategyName } from '../../src/create/index.js';
import { attachServerShm, createServerShmBuffers } from '../../src/shm/server-shm.js';
import { SharedCounters } from '../../src/shm/sync-primitives.js';
import { FORCED_COUNTERS, runForced, type CreateResult, type ForcedPlan } from '../fixtures/create-driver.js';
import { runWorkers } from '../fixtures/threads.js';

const GROUP = 'C-R3F-jvOdwUEr';
const TIMEOUT_MS = 20_000;

/** workers × callers per worker; workers 0 means "all callers as async tasks of this thread". */
const SHAPES: readonly { workers: number; callers: number; label: string }[] = [
  { workers: 0, callers: 2, label: '2 async callers in one isolate' },
  { workers: 2, callers: 1, label: '2 threads' },
  { workers: 5, callers: 5, label: "25 callers on 5 threads behind one start barrier (NATS's HighConcurrency test)" },
];

async function experiment(strategy: StrategyName, workers: number, callers: number) {
  const buffers = createServerShmBuffers('S1', { capacity: 64 });
  const ctl = new SharedCounters(FORCED_COUNTERS);
  const total = Math.max(1, workers) * callers;
  const plan = (workerId: number, callersHere: number): ForcedPlan => ({
    kind: 'forced', server: buffers, ctl: ctl.buffer, strategy, workerId, group: GROUP, callersHere, callersTotal: total, timeoutMs: TIMEOUT_MS,
  });
  const results: CreateResult[] =
    workers === 0 ? [await runForced(plan(0, callers))] : await runWorkers<CreateResult>('create-worker', Array.from({ length: workers }, (_, w) => plan(w, callers)));
  const built = results.flatMap((r) => r.built.map(([, id]) => id));
  const resolved = results.flatMap((r) => r.resolved.map(([, id]) => id));
  const shm = attachServerShm(buffers, 99);
  return { shm, ctl, total, built, resolved };
}

/**
 * The NATS delete path: delete only the instance the assignment references, unregister it by the
 * strategy's rule, then census: every built instance that was not deleted is still running, and
 * one that no registry entry and no assignment references is an orphan.
 */
function deleteAndCensus(strategy: StrategyName, x: Awaited<ReturnType<typeof experiment>>) {
  const referenced = x.ctl.get('assignment');
  STRATEGIES[strategy].unregister(x.shm, GROUP, referenced);
  const alive = new Set(x.built.filter((id) => id !== referenced));
  const entry = x.shm.registry.lookup(GROUP);
  const orphans = [...alive].filter((id) => !(entry.state !== 'absent' && entry.instanceId === id));
  return { orphans, registry: entry };
}

for (const shape of SHAPES) {
  describe(`forced interleaving: ${shape.label}`, () => {
    test('racy: every caller passes the check inside the window, so each builds its own instance, and deletion orphans all but one', async () => {
      const x = await experiment('racy', shape.workers, shape.callers);
      assert.equal(x.built.length, x.total, 'each caller built an instance');
      assert.equal(new Set(x.built).size, x.total, 'distinct instances for one name');
      const reg = x.shm.registry.lookup(GROUP);
      assert.equal(reg.state, 'running');
      assert.ok(reg.state === 'running' && x.built.includes(reg.instanceId), 'the registry kept one of them (blind overwrite)');
      assert.ok(new Set(x.resolved).size >= 2, 'callers resolved to different instances');
      const c = deleteAndCensus('racy', x);
      assert.equal(c.registry.state, 'absent', 'unregister by name removed the entry whatever it pointed at');
      assert.equal(c.orphans.length, x.total - 1, 'all but the referenced instance survive the delete as orphans');
    });

    for (const strategy of STRATEGY_NAMES.filter((s) => s !== 'racy')) {
      test(`${strategy}: every caller resolves to the same single instance, and deletion leaves nothing`, async () => {
        const x = await experiment(strategy, shape.workers, shape.callers);
        assert.equal(x.built.length, 1, `exactly one instance built, got ${x.built.length}`);
        assert.deepEqual(new Set(x.resolved), new Set(x.built), 'every caller got the built instance');
        assert.equal(x.resolved.length, x.total);
        assert.deepEqual(x.shm.registry.lookup(GROUP), { state: 'running', instanceId: x.built[0] });
        assert.equal(x.ctl.get('assignment'), x.built[0]);
        assert.equal(x.shm.inflight.stats().live, 0, 'no in-flight marker left behind');
        if (strategy !== 'locked') assert.ok(x.ctl.get('parked') >= x.total - 1, 'the losers really parked inside the window');
        const c = deleteAndCensus(strategy, x);
        assert.deepEqual(c.orphans, []);
        assert.equal(c.registry.state, 'absent');
      });
    }
  });
}

describe('a failed build', () => {
  for (const strategy of ['locked', 'inflight', 'cas'] as const) {
    test(`${strategy}: a creator whose build fails leaves no entry; the next caller becomes the creator`, async () => {
      const shm = attachServerShm(createServerShmBuffers('S1', { capacity: 8 }), 0, TIMEOUT_MS);
      const s = STRATEGIES[strategy];
      let release!: () => void;
      const holding = new Promise<void>((r) => (release = r));
      let parkedOrQueued!: () => void;
      const secondWaiting = new Promise<void>((r) => (parkedOrQueued = r));
      const builds: number[] = [];
      const first = s.create(shm, {
        group: 'g',
        build: async (id) => {
          builds.push(id);
          await holding;
          throw new Error('EIO: injected');
        },
        assign: () => undefined,
      });
      const second = s.create(shm, {
        group: 'g',
        build: async (id) => {
          builds.push(id);
        },
        assign: () => undefined,
        probe: { beforeCheck: () => parkedOrQueued(), beforePark: () => parkedOrQueued() },
      });
      await secondWaiting;
      release();
      await assert.rejects(first, /EIO: injected/);
      const out = await second;
      assert.equal(out.built, true);
      assert.equal(builds.length, 2);
      assert.deepEqual(shm.registry.lookup('g'), { state: 'running', instanceId: out.instanceId });
      assert.equal(shm.inflight.stats().live, 0);
    });
  }
});
