import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { Ajv } from 'ajv';
import { buildConfig } from '../../src/scenario/config.js';
import { RESULT_JSON_SCHEMA } from '../../src/scenario/result.js';
import { runNatsScenario } from '../../src/target/index.js';
import type { NatsCluster } from '../../src/target/nats/cluster.js';
import type { GroupVerdict } from '../../src/target/nats/log-scan.js';
import { alive, natsOrSkipReason, processesMentioning } from './nats-fixture.js';

const nats = await natsOrSkipReason();
const skip = typeof nats === 'string' ? nats : false;
const validate = new Ajv({ allErrors: true, strict: false }).compile(RESULT_JSON_SCHEMA);

interface Seen {
  dir: string;
  pids: number[];
}
const watch = (seen: Seen) => (c: NatsCluster): void => {
  seen.dir = c.dir;
  seen.pids = c.servers.map((s) => s.child.pid ?? -1);
};

async function assertNothingLeft(parent: string, seen: Seen): Promise<void> {
  assert.ok(seen.pids.length === 3 && seen.pids.every((p) => p > 0), `3 servers were started: ${seen.pids.join(',')}`);
  for (const pid of seen.pids) assert.equal(alive(pid), false, `nats-server pid ${pid} still alive`);
  assert.deepEqual(await processesMentioning(seen.dir), [], 'a process still names the cluster dir');
  assert.deepEqual(await readdir(parent), [], 'the cluster temp dir was removed');
}

// The target: a 3-server cluster starts, churns 200 R3 consumers and stops in < 2 minutes
// (the test's timeout), leaving no process and no directory behind.
test('a real 3-server cluster churns 200 R3 consumers and stops, leaving no process and no directory', { skip, timeout: 120_000 }, async () => {
  if (typeof nats === 'string') return;
  const parent = await mkdtemp(join(tmpdir(), 'raftrace-nats-test-'));
  const seen: Seen = { dir: '', pids: [] };
  try {
    const cfg = buildConfig({ target: 'nats', seed: 12, groups: 200, concurrency: 16, callersPerCreate: 2, callerSpreadMs: 2, groupLifetimeMs: 20, entriesPerSecondPerGroup: 5 });
    let seenLogs: { servers: number; transient: number } | null = null;
    const onLogs = (logs: ReadonlyMap<string, string>, verdicts: readonly GroupVerdict[]): void => {
      seenLogs = { servers: [...logs.values()].filter((t) => t.includes('Starting consumer monitor')).length, transient: verdicts.filter((v) => v.cls === 'transient').reduce((n, v) => n + v.failures, 0) };
    };
    const r = await runNatsScenario(cfg, nats, { parentDir: parent, onCluster: watch(seen), onLogs });
    assert.ok(validate(r), JSON.stringify(validate.errors));
    // The logs handed out before the stop are every server's, and their verdicts are the result's.
    assert.deepEqual(seenLogs, { servers: 3, transient: r.tav.transient });
    assert.equal(r.target, 'nats');
    assert.equal(r.server?.version, nats.version);
    assert.equal(r.harnessFailure, null, r.verdict.reasons.join('\n'));
    assert.equal(r.partial, false);
    assert.equal(r.counts.groupsCycled, 200);
    assert.equal(r.counts.createRequests, 400, 'two clients created every consumer');
    assert.equal(r.counts.deletes, 200);
    assert.equal(r.counts.createFailures + r.counts.deleteFailures, 0, r.verdict.reasons.join('\n'));
    // 2.9.10 creates and deletes on its one meta goroutine: after a settled census nothing may remain.
    assert.equal(r.verdict.outcome, 'clean', r.verdict.reasons.join('\n'));
    assert.equal(r.leaks.orphansAtEnd, 0);
    // Every failure is classified exactly once (unmatched ones are named in the reasons).
    assert.ok(r.tav.transient + r.tav.persistent <= r.tav.enoent + r.tav.other);
    assert.equal(r.messages, null);
    assert.equal(r.locks, null);
  } finally {
    await assertNothingLeft(parent, seen).finally(() => rm(parent, { recursive: true, force: true }));
  }
});

test('an abort in the middle of the churn still deletes, stops the cluster and removes its dir; the result is partial', { skip, timeout: 90_000 }, async () => {
  if (typeof nats === 'string') return;
  const parent = await mkdtemp(join(tmpdir(), 'raftrace-nats-test-'));
  const seen: Seen = { dir: '', pids: [] };
  const ctl = new AbortController();
  try {
    const cfg = buildConfig({ target: 'nats', seed: 13, groups: 1000, concurrency: 4, callersPerCreate: 2 });
    // Aborted by the run's own progress after the 10th group, not by a timer.
    const r = await runNatsScenario(cfg, nats, { parentDir: parent, signal: ctl.signal, onCluster: watch(seen), onProgress: (p) => void (p.groupsDone >= 10 && ctl.abort()) });
    assert.equal(r.partial, true);
    assert.ok(r.counts.groupsCycled >= 10 && r.counts.groupsCycled < 1000, `cycled ${r.counts.groupsCycled}`);
    assert.equal(r.counts.deletes, r.counts.groupsCycled, 'every started group was deleted');
    assert.equal(r.leaks.orphansAtEnd, 0);
    assert.equal(r.verdict.outcome, 'clean', `no consumer or its store dir may outlive an aborted run:\n${r.verdict.reasons.join('\n')}`);
  } finally {
    await assertNothingLeft(parent, seen).finally(() => rm(parent, { recursive: true, force: true }));
  }
});
