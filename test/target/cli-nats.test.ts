import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, test } from 'node:test';
import { freshTmp, parseResult, removeTmp, runCli, spawnCli } from '../cli/cli-harness.js';
import { natsOrSkipReason, processesMentioning } from './nats-fixture.js';

const nats = await natsOrSkipReason();
const skip = typeof nats === 'string' ? nats : false;
const natsFlag = typeof nats === 'string' ? [] : ['--nats-server', nats.path];

/** A killed server dies asynchronously: poll (bounded) until no process names the dir. */
async function noProcessUnder(dir: string): Promise<number[]> {
  let left = await processesMentioning(dir);
  for (let i = 0; i < 50 && left.length > 0; i++) {
    await sleep(100);
    left = await processesMentioning(dir);
  }
  return left;
}

describe('raftrace run --target nats: bad input, before anything runs', () => {
  test('a missing binary: exit 2, one line naming --nats-server and how to install it, nothing written', async () => {
    const tmp = await freshTmp();
    try {
      const out = join(tmp, 'r.json');
      const r = await runCli(['run', '--target', 'nats', '--nats-server', join(tmp, 'no', 'nats-server'), '--out', out], tmp);
      assert.equal(r.code, 2, r.stderr);
      const lines = r.stderr.trim().split('\n');
      assert.equal(lines.length, 1, r.stderr);
      assert.match(lines[0]!, /^raftrace: --nats-server: must be a nats-server binary; got ".*" \(.*apt-get install nats-server.*\)$/);
      assert.equal(r.stdout, '');
      assert.deepEqual(await readdir(tmp), []);
    } finally {
      await removeTmp(tmp);
    }
  });

  test('--nats-server without --target nats, and model-only flags with it, are bad input', async () => {
    for (const args of [['--nats-server', '/usr/sbin/nats-server'], ['--target', 'nats', '--log', '/tmp/x'], ['--target', 'nats', '--inject-crash-after', '3'], ['--target', 'cluster']]) {
      const r = await runCli(['run', ...args]);
      try {
        assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
        assert.match(r.stderr, /^raftrace: --(nats-server|log|inject-crash-after|target): must be .+\n$/, args.join(' '));
      } finally {
        await removeTmp(r.tmp);
      }
    }
  });

  test('a strategy other than the version runs is bad input', { skip }, async () => {
    const r = await runCli(['run', '--target', 'nats', ...natsFlag, '--strategy', 'cas']);
    await removeTmp(r.tmp);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /^raftrace: --strategy: must be racy or omitted with --target nats \(nats-server 2\.9\.\d+ runs the racy creation path\); got "cas"\n$/);
  });
});

describe('raftrace run --target nats: a real cluster from the CLI', () => {
  test('--json: a result in the versioned schema with target nats and the server version', { skip, timeout: 60_000 }, async () => {
    const tmp = await freshTmp();
    try {
      const r = await runCli(['run', '--target', 'nats', ...natsFlag, '--groups', '20', '--concurrency', '4', '--seed', '3', '--json', '--no-progress'], tmp, 60_000);
      assert.equal(r.code, 0, r.stderr);
      const res = parseResult(r.stdout);
      assert.equal(res.target, 'nats');
      assert.equal(res.config.target, 'nats');
      assert.match(res.server?.version ?? '', /^\d+\.\d+\.\d+/);
      assert.equal(res.counts.groupsCycled, 20);
      assert.deepEqual(await readdir(tmp), []);
    } finally {
      await removeTmp(tmp);
    }
  });

  for (const how of ['SIGTERM', 'SIGINT twice'] as const) {
    test(`${how} during the churn: exit 130, every server gone, no directory left`, { skip, timeout: 60_000 }, async () => {
      const tmp = await freshTmp();
      try {
        const out = join(tmp, 'r.json');
        const run = spawnCli(['run', '--target', 'nats', ...natsFlag, '--groups', '5000', '--concurrency', '4', '--seed', '4', '--out', out], tmp, 60_000);
        // Not a sleep: wait until the cluster is up and groups are cycling.
        await run.waitForStderr(/^churn [1-9]\d*\/5000 groups$/m);
        if (how === 'SIGTERM') {
          run.child.kill('SIGTERM');
        } else {
          run.child.kill('SIGINT');
          await run.waitForStderr(/interrupted: stopping/);
          run.child.kill('SIGINT'); // exits at once: the exit backstop must kill the servers and remove the dir
        }
        const r = await run.done;
        assert.equal(r.code, 130, r.stderr);
        assert.deepEqual(await noProcessUnder(tmp), [], 'nats-server processes left');
        if (how === 'SIGTERM') {
          const res = parseResult(await readFile(out, 'utf8'));
          assert.equal(res.partial, true);
          assert.equal(res.counts.deletes, res.counts.groupsCycled);
          assert.deepEqual(await readdir(tmp), ['r.json']);
        } else {
          assert.deepEqual((await readdir(tmp)).filter((n) => n !== 'r.json'), []);
        }
      } finally {
        // A failing run (or a planted bug) must not leave servers running after the test: kill them by pid.
        for (const pid of await processesMentioning(tmp)) {
          try {
            process.kill(pid, 'SIGKILL');
          } catch {
            // already gone
          }
        }
        await removeTmp(tmp);
      }
    });
  }
});
