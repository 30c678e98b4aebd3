import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { freshTmp, leftovers, parseResult, removeTmp, runCli, SMALL, spawnCli } from './cli-harness.js';
import { processesMentioning } from '../target/nats-fixture.js';

describe('raftrace run: a run that ends early still reports and cleans up', () => {
  test('a worker crashing mid-run: exit 4, partial result naming the failure, no temp dir left', async () => {
    const tmp = await freshTmp();
    try {
      const out = join(tmp, 'result.json');
      const r = await runCli(['run', ...SMALL, '--strategy', 'cas', '--seed', '7', '--workers', '2', '--inject-crash-after', '3', '--out', out], tmp, 20_000);
      assert.equal(r.code, 4, `exit code; stderr:\n${r.stderr}`);
      assert.ok(r.ms < 15_000, `took ${r.ms} ms`);
      const res = parseResult(await readFile(out, 'utf8'));
      assert.equal(res.partial, true);
      assert.equal(typeof res.harnessFailure, 'string');
      assert.match(r.stderr, /^raftrace: harness failure: .+$/m);
      assert.match(r.stdout, /harness failure/);
      assert.deepEqual(await leftovers(tmp), []);
    } finally {
      await removeTmp(tmp);
    }
  });

  test('Ctrl-C after the first progress line: exit 130, partial result in --out, no temp dir left', async () => {
    const tmp = await freshTmp();
    try {
      const out = join(tmp, 'result.json');
      const args = ['run', '--strategy', 'racy', '--seed', '11', '--workers', '2', '--groups', '100000', '--concurrency', '2', '--time-scale-ms', '2', '--out', out];
      const run = spawnCli(args, tmp, 30_000);
      // Not a sleep: wait until the churn has really started.
      await run.waitForStderr(/^churn \d+\/100000 groups$/m);
      run.child.kill('SIGINT');
      const r = await run.done;
      assert.equal(r.code, 130, `exit code; stderr:\n${r.stderr}`);
      assert.match(r.stderr, /interrupted/);
      const res = parseResult(await readFile(out, 'utf8'));
      assert.equal(res.partial, true);
      assert.equal(res.harnessFailure, null);
      assert.equal(res.seed, 11);
      assert.ok(res.counts.groupsCycled >= 1 && res.counts.groupsCycled < 100_000, `groupsCycled ${res.counts.groupsCycled}`);
      assert.match(r.stdout, /partial/);
      assert.deepEqual(await leftovers(tmp), []);
    } finally {
      await removeTmp(tmp);
    }
  });

  test('a second Ctrl-C exits at once with 130 and still leaves no temp dir', async () => {
    const tmp = await freshTmp();
    try {
      // Long-lived groups: after the first Ctrl-C the run would wait up to 10 s for its in-flight cycles.
      const args = ['run', '--strategy', 'racy', '--seed', '12', '--workers', '2', '--groups', '100000', '--concurrency', '16', '--group-lifetime-ms', '10000', '--time-scale-ms', '2'];
      const run = spawnCli(args, tmp, 30_000);
      await run.waitForStderr(/^churn \d+\/100000 groups$/m);
      run.child.kill('SIGINT');
      await run.waitForStderr(/Ctrl-C again/);
      const t = performance.now();
      run.child.kill('SIGINT');
      const r = await run.done;
      assert.equal(r.code, 130, `exit code; stderr:\n${r.stderr}`);
      assert.ok(performance.now() - t < 4000, `exit took ${performance.now() - t} ms after the second Ctrl-C`);
      assert.match(r.stderr, /interrupted twice/);
      // The backstop may hand the removal to a detached cleaner (a `node -e` whose script names the
      // dir): wait until the dir is gone or no process names it any more, then insist. (A fixed 5 s
      // wait failed on a loaded machine, where the cleaner alone takes seconds to start.)
      const deadline = performance.now() + 60_000;
      while ((await leftovers(tmp)).length > 0 && (await processesMentioning(tmp)).length > 0 && performance.now() < deadline) {
        await new Promise((res) => setTimeout(res, 50));
      }
      assert.deepEqual(await leftovers(tmp), []);
    } finally {
      await removeTmp(tmp);
    }
  });
});
