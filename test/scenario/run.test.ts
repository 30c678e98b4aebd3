import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { describe, test } from 'node:test';
import { Ajv } from 'ajv';
import { STRATEGY_NAMES } from '../../src/create/strategy.js';
import { buildConfig, type ScenarioConfig } from '../../src/scenario/config.js';
import { RESULT_JSON_SCHEMA, type ScenarioResult } from '../../src/scenario/result.js';
import { runScenario } from '../../src/scenario/run.js';

const validate = new Ajv({ allErrors: true }).compile(RESULT_JSON_SCHEMA);

function small(over: Partial<ScenarioConfig>): ScenarioConfig {
  return buildConfig({ groups: 10, concurrency: 4, workers: 2, timeScaleMs: 2, observeNatsSeconds: 5, groupLifetimeMs: 2, seed: 11, ...over });
}

/** A private parent for one test's run store, so other processes' temp dirs cannot interfere. */
async function privateParent(): Promise<{ dir: string; left: () => Promise<string[]> }> {
  const dir = await mkdtemp(join(tmpdir(), 'raftrace-test-'));
  return {
    dir,
    left: async () => {
      const names = await readdir(dir);
      await rm(dir, { recursive: true, force: true });
      return names;
    },
  };
}

function assertValid(r: ScenarioResult): void {
  assert.ok(validate(r), JSON.stringify(validate.errors));
}

/**
 * Racy with its window held open: 3 callers at once and 5 ms per disk operation, so every
 * (server, group) is built more than once — the leak is asserted, not hoped for.
 */
const RACY_WIDE: Partial<ScenarioConfig> = { callersPerCreate: 3, callerSpreadMs: 0, diskLatencyMinMs: 5, diskLatencyMaxMs: 5 };

describe('runScenario end to end (small)', () => {
  for (const strategy of STRATEGY_NAMES) {
    for (const disk of ['fs', 'memfs'] as const) {
      test(`${strategy} on ${disk}: a schema-valid result; atomic strategies clean`, async () => {
        const p = await privateParent();
        const racy = strategy === 'racy';
        const r = await runScenario(small({ strategy, disk, workers: disk === 'memfs' ? 1 : 2, ...(racy ? RACY_WIDE : {}) }), { storeParentDir: p.dir });
        assertValid(r);
        assert.equal(r.strategy, strategy);
        assert.equal(r.partial, false);
        assert.equal(r.harnessFailure, null);
        assert.equal(r.counts.groupsCycled, 10);
        assert.equal(r.counts.createRequests, 10 * 3 * (racy ? 3 : 2));
        if (strategy !== 'racy') {
          assert.equal(r.verdict.outcome, 'clean', r.verdict.reasons.join('; '));
          assert.equal(r.counts.duplicates, 0);
          assert.equal(r.leaks.orphansAtEnd, 0);
          assert.equal(r.counts.instancesBuilt, 30);
        } else {
          assert.equal(r.verdict.outcome, 'leaked', r.verdict.reasons.join('; '));
          assert.ok(r.counts.duplicates > 0, 'the race showed');
          assert.equal(r.counts.instancesBuilt, 30 + r.counts.duplicates);
          assert.equal(r.leaks.orphansAtEnd, r.counts.duplicates, 'under racy every duplicate outlives its group');
          assert.ok(r.tav.persistent > 0, 'the orphans fail their tav.idx writes (#5824)');
        }
        assert.deepEqual(await p.left(), [], 'the run store is removed');
      });
    }
  }

  test('a worker crash mid-run ends the run with a partial result naming it, and leaves nothing behind', async () => {
    const p = await privateParent();
    const r = await runScenario(small({ strategy: 'cas', groups: 40, concurrency: 2 }), { crashWorkerAfterGroups: 3, storeParentDir: p.dir });
    assertValid(r);
    assert.equal(r.partial, true);
    assert.match(r.harnessFailure ?? '', /worker 0|injected worker crash/);
    assert.ok(r.counts.groupsCycled < 40);
    assert.deepEqual(await p.left(), []);
  });

  test('an abort stops issuing work and returns a partial result', async () => {
    const ac = new AbortController();
    const r = await runScenario(small({ strategy: 'inflight', groups: 10_000, concurrency: 2 }), {
      signal: ac.signal,
      onProgress: (p) => {
        if (p.phase === 'churn' && p.groupsDone >= 2) ac.abort();
      },
    });
    assertValid(r);
    assert.equal(r.partial, true);
    assert.ok(r.counts.groupsCycled >= 2 && r.counts.groupsCycled < 100, String(r.counts.groupsCycled));
    assert.equal(r.verdict.outcome, 'clean');
  });
});
