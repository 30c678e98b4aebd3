import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { EXIT } from '../../src/cli/exit-codes.js';
import { parseResult, removeTmp, runCli, SMALL } from './cli-harness.js';

describe('raftrace run: the seed', () => {
  test('without --seed, one is picked and printed first on stderr, and stored in the result', async () => {
    const r = await runCli(['run', ...SMALL, '--strategy', 'locked', '--workers', '1', '--disk', 'memfs', '--json']);
    try {
      assert.equal(r.code, 0, r.stderr);
      const first = r.stderr.split('\n')[0]!;
      const m = /^seed (\d+) \(replay with --seed (\d+)\)$/.exec(first);
      assert.ok(m, `first stderr line: ${first}`);
      assert.equal(m[1], m[2]);
      const res = parseResult(r.stdout);
      assert.equal(res.seed, Number(m[1]));
      assert.equal(res.config.seed, Number(m[1]));
    } finally {
      await removeTmp(r.tmp);
    }
  });

  // What this proves: the seed reaches the config and the request count. That the workload plan
  // (delays and lifetimes included) is a pure function of the seed is proven on the plan itself:
  // test/scenario/config.test.ts (mutant plan-delays-from-math-random).
  test('the same --seed gives the same config and the same requests', async () => {
    const args = ['run', ...SMALL, '--strategy', 'inflight', '--seed', '424242', '--workers', '1', '--disk', 'memfs', '--callers', '3', '--json'];
    const [a, b] = [await runCli(args), await runCli(args)];
    try {
      assert.equal(a.code, 0, a.stderr);
      assert.equal(b.code, 0, b.stderr);
      const ra = parseResult(a.stdout);
      const rb = parseResult(b.stdout);
      assert.deepEqual(ra.config, rb.config);
      assert.equal(ra.counts.createRequests, rb.counts.createRequests);
      assert.equal(ra.counts.createRequests, 12 * 3 * 3, 'every (server, group) gets --callers requests');
      assert.equal(a.stderr.split('\n')[0], 'seed 424242 (replay with --seed 424242)');
    } finally {
      await removeTmp(a.tmp);
      await removeTmp(b.tmp);
    }
  });
});

describe('raftrace --help', () => {
  for (const args of [['--help'], ['run', '--help']]) {
    test(`raftrace ${args.join(' ')}: exit 0, every exit code and both examples`, async () => {
      const r = await runCli(args);
      try {
        assert.equal(r.code, 0, r.stderr);
        for (const code of Object.values(EXIT)) assert.match(r.stdout, new RegExp(`^  ${code} +\\S`, 'm'), `exit code ${code}`);
        assert.match(r.stdout, /raftrace run --strategy racy --preset heavy/);
        assert.match(r.stdout, /raftrace run --strategy cas --seed 42 --json/);
      } finally {
        await removeTmp(r.tmp);
      }
    });
  }

  test('run --help documents every config flag with its default, and hides the test hook', async () => {
    const r = await runCli(['run', '--help']);
    try {
      for (const flag of ['--strategy', '--seed', '--servers', '--replicas', '--workers', '--groups', '--concurrency', '--callers', '--caller-spread-ms', '--group-lifetime-ms', '--disk', '--disk-latency-ms', '--disk-eio-rate', '--cpu-busy-share', '--entries-per-second', '--time-scale-ms', '--observe-nats-seconds', '--wait-timeout-ms', '--preset', '--config', '--json', '--out', '--log', '--no-progress']) {
        assert.match(r.stdout, new RegExp(`^  ${flag}[ =<]`, 'm'), flag);
      }
      assert.equal((r.stdout.match(/\(default: /g) ?? []).length >= 19, true);
      assert.doesNotMatch(r.stdout, /inject-crash/);
    } finally {
      await removeTmp(r.tmp);
    }
  });
});
