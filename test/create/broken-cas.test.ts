/**
 * The test-only `broken-cas` strategy: link 1 of the forbidden chain (it really makes a duplicate,
 * under a forced interleaving, not by luck) and its gate (unreachable without RAFTRACE_TEST_HOOKS=1).
 */
import assert from 'node:assert/strict';
import { afterEach, describe, test } from 'node:test';
import { claimsAtomicity, isAllowedStrategy, STRATEGIES, STRATEGY_NAMES, strategyByName } from '../../src/create/index.js';
import { forcedGate } from '../../src/create/pause.js';
import { TEST_HOOKS_ENV } from '../../src/env/test-hooks.js';
import { buildConfig, ConfigError } from '../../src/scenario/config.js';
import { attachServerShm, createServerShmBuffers } from '../../src/shm/server-shm.js';
import { SharedCounters } from '../../src/shm/sync-primitives.js';
import { FORCED_COUNTERS, runForced } from '../fixtures/create-driver.js';

const GROUP = 'C-R3F-brokenCas';
const saved = process.env[TEST_HOOKS_ENV];
afterEach(() => {
  if (saved === undefined) delete process.env[TEST_HOOKS_ENV];
  else process.env[TEST_HOOKS_ENV] = saved;
});

describe('broken-cas is unreachable without the test hooks', () => {
  test('not a public strategy, rejected by the config and by name unless RAFTRACE_TEST_HOOKS=1', () => {
    delete process.env[TEST_HOOKS_ENV];
    assert.equal((STRATEGY_NAMES as readonly string[]).includes('broken-cas'), false, 'never listed');
    assert.equal(isAllowedStrategy('broken-cas'), false);
    assert.throws(() => strategyByName('broken-cas'), /strategy must be one of racy, locked, inflight, cas/);
    assert.throws(
      () => buildConfig({ strategy: 'broken-cas' }),
      (e: unknown) => e instanceof ConfigError && e.field === 'strategy' && !e.allowed.includes('broken'),
    );
    for (const v of ['0', 'true', 'yes', ' 1']) {
      process.env[TEST_HOOKS_ENV] = v;
      assert.equal(isAllowedStrategy('broken-cas'), false, `RAFTRACE_TEST_HOOKS=${JSON.stringify(v)} is not "1"`);
    }
  });

  test('accepted with RAFTRACE_TEST_HOOKS=1, and judged as a strategy that claims atomicity', () => {
    process.env[TEST_HOOKS_ENV] = '1';
    assert.equal(isAllowedStrategy('broken-cas'), true);
    assert.equal(strategyByName('broken-cas'), STRATEGIES['broken-cas']);
    assert.equal(buildConfig({ strategy: 'broken-cas' }).strategy, 'broken-cas');
    assert.equal(isAllowedStrategy('broken-locked'), false, 'only the named test strategies');
    assert.equal(claimsAtomicity('broken-cas'), true);
    assert.equal(claimsAtomicity('racy'), false);
    for (const s of ['locked', 'inflight', 'cas'] as const) assert.equal(claimsAtomicity(s), true, s);
  });
});

describe('broken-cas races like racy (forced interleaving of 2 async callers in one isolate)', () => {
  test('its forced gate holds every caller inside the check-to-register window', () => {
    assert.deepEqual(forcedGate('broken-cas', 3), ['built', 3]);
  });

  test('both callers pass the check and build: a duplicate, and deletion leaves an orphan', async () => {
    const buffers = createServerShmBuffers('S1', { capacity: 16 });
    const ctl = new SharedCounters(FORCED_COUNTERS);
    const r = await runForced({
      kind: 'forced', server: buffers, ctl: ctl.buffer, strategy: 'broken-cas', workerId: 0, group: GROUP, callersHere: 2, callersTotal: 2, timeoutMs: 10_000,
    });
    const built = r.built.map(([, id]) => id);
    assert.equal(built.length, 2, 'each caller built its own instance');
    assert.equal(new Set(built).size, 2);
    const shm = attachServerShm(buffers, 9);
    const reg = shm.registry.lookup(GROUP);
    assert.ok(reg.state === 'running' && built.includes(reg.instanceId), 'blind overwrite kept one of them');
    // The NATS delete path: only the referenced instance is deleted, unregistered by name.
    const referenced = ctl.get('assignment');
    STRATEGIES['broken-cas'].unregister(shm, GROUP, referenced);
    assert.equal(shm.registry.lookup(GROUP).state, 'absent');
    assert.deepEqual(built.filter((id) => id !== referenced).length, 1, 'one instance outlives its group: the leak');
  });
});
