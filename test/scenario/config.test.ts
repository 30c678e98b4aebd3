import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildConfig, ConfigError, defaultConfig, PRESETS, validateConfig } from '../../src/scenario/config.js';
import { planWorkload } from '../../src/scenario/plan.js';

const bad = (over: Record<string, unknown>, field: string, allowed: RegExp): void => {
  assert.throws(
    () => validateConfig({ ...defaultConfig(), ...over }),
    (e: unknown) => e instanceof ConfigError && e.field === field && allowed.test(e.message) && e.message.startsWith(`${field}: must be`),
    JSON.stringify(over),
  );
};

test('every field is validated with a message naming it and what is allowed', () => {
  bad({ strategy: 'fast' }, 'strategy', /one of racy, locked, inflight, cas; got "fast"/);
  bad({ groups: -1 }, 'groups', /an integer in \[1, 1048576\]; got -1/);
  bad({ groups: 1.5 }, 'groups', /integer/);
  bad({ replicas: 4, servers: 3 }, 'replicas', /\[1, servers = 3\]/);
  bad({ disk: 'memfs', workers: 2 }, 'disk', /workers > 1/);
  bad({ disk: 'zfs' }, 'disk', /one of fs, memfs/);
  bad({ diskLatencyMinMs: 5, diskLatencyMaxMs: 1 }, 'diskLatencyMaxMs', /\[diskLatencyMinMs = 5, 10000\]/);
  bad({ diskEioRate: 2 }, 'diskEioRate', /\[0, 1\]/);
  bad({ cpuBusyShare: 0.95 }, 'cpuBusyShare', /\[0, 0\.9\]/);
  bad({ seed: 2 ** 32 }, 'seed', /\[0, 4294967295\]/);
  bad({ deletePhase: 'never' }, 'deletePhase', /one of interleaved, after/);
  bad({ timeScaleMs: Number.NaN }, 'timeScaleMs', /a number/);
  bad({ colour: 'blue' }, 'colour', /a known field/);
  assert.throws(() => validateConfig([]), (e: unknown) => e instanceof ConfigError && e.field === 'config');
  const { groups: _dropped, ...missing } = defaultConfig();
  assert.throws(() => validateConfig(missing), (e: unknown) => e instanceof ConfigError && e.field === 'groups' && /must be present/.test(e.message));
});

test('presets layer under explicit overrides and still validate', () => {
  const heavy = buildConfig({ strategy: 'cas' }, 'heavy');
  assert.equal(heavy.cpuBusyShare, PRESETS.heavy.cpuBusyShare);
  assert.equal(buildConfig({ callersPerCreate: 7 }, 'heavy').callersPerCreate, 7);
  assert.throws(() => buildConfig({ groups: 0 }, 'light'), ConfigError);
});

test('the workload plan is a pure function of the seed, with the k callers on distinct workers', () => {
  const cfg = buildConfig({ seed: 99, groups: 50, workers: 3, callersPerCreate: 3 });
  assert.deepEqual(planWorkload(cfg), planWorkload(cfg));
  assert.notDeepEqual(planWorkload(cfg), planWorkload({ ...cfg, seed: 100 }));
  for (const g of planWorkload(cfg)) {
    assert.equal(g.calls.length, cfg.replicas * cfg.callersPerCreate);
    for (let s = 0; s < cfg.replicas; s++) {
      const workers = g.calls.slice(s * 3, s * 3 + 3).map((c) => c.worker);
      assert.equal(new Set(workers).size, 3, 'three callers of one (server, group) start on three workers');
    }
    assert.ok(g.calls.every((c) => c.delayMs >= 0 && c.delayMs <= cfg.callerSpreadMs));
  }
});
