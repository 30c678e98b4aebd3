import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { STRATEGY_NAMES } from '../../src/create/strategy.js';
import { validateConfig } from '../../src/scenario/config.js';
import { leftovers, parseResult, removeTmp, runCli, SMALL } from './cli-harness.js';

const SETUPS = [
  { disk: 'fs', workers: 2 },
  { disk: 'memfs', workers: 1 },
] as const;

describe('raftrace run: every strategy, on both disks', { concurrency: 2 }, () => {
  for (const { disk, workers } of SETUPS) {
    for (const strategy of STRATEGY_NAMES) {
      test(`${strategy} on ${disk} with ${workers} worker(s): exit 0, a valid result`, async () => {
        const seed = 1000 + STRATEGY_NAMES.indexOf(strategy);
        // Racy with its window held open (3 callers at once, 5 ms per disk op): the leak is certain.
        const wide = strategy === 'racy' ? ['--callers', '3', '--caller-spread-ms', '0', '--disk-latency-ms', '5'] : [];
        const r = await runCli(['run', ...SMALL, ...wide, '--strategy', strategy, '--seed', String(seed), '--disk', disk, '--workers', String(workers), '--json']);
        try {
          assert.equal(r.code, 0, `exit code; stderr:\n${r.stderr}`);
          const res = parseResult(r.stdout);
          assert.equal(res.strategy, strategy);
          assert.equal(res.seed, seed);
          assert.deepEqual(validateConfig(res.config), res.config);
          assert.equal(res.config.disk, disk);
          assert.equal(res.config.workers, workers);
          assert.equal(res.partial, false);
          assert.equal(res.harnessFailure, null);
          assert.equal(res.counts.groupsCycled, 12);
          if (strategy !== 'racy') {
            assert.equal(res.counts.duplicates, 0, 'duplicates under an atomic strategy');
            assert.equal(res.leaks.orphansAtEnd, 0, 'orphans under an atomic strategy');
            assert.equal(res.verdict.outcome, 'clean');
          } else {
            assert.equal(res.verdict.outcome, 'leaked');
            assert.ok(res.counts.duplicates > 0 && res.leaks.orphansAtEnd === res.counts.duplicates, JSON.stringify(res.counts));
          }
          assert.match(r.stderr.split('\n')[0]!, new RegExp(`^seed ${seed} \\(replay with --seed ${seed}\\)$`));
          assert.deepEqual(await leftovers(r.tmp), []);
        } finally {
          await removeTmp(r.tmp);
        }
      });
    }
  }
});
