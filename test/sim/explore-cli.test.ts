import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { removeTmp, runCli } from '../cli/cli-harness.js';

const tmps: string[] = [];
after(async () => {
  for (const t of tmps) await removeTmp(t);
});

async function cli(args: readonly string[]) {
  const r = await runCli(args, undefined, 120_000);
  tmps.push(r.tmp);
  return r;
}

describe('raftrace explore', () => {
  test('racy, exhaustive, 2 callers with delete: the JSON report counts the leak; the printed schedule replays it, byte for byte twice', async () => {
    const r = await cli(['explore', '--strategy', 'racy', '--callers', '2', '--with-delete', '--mode', 'exhaustive', '--seed', '3', '--json']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /^seed 3 /);
    const rep = JSON.parse(r.stdout) as Record<string, unknown> & { firstFailure: { schedule: string; kinds: string[] } };
    assert.equal(rep.strategy, 'racy');
    assert.equal(rep.mode, 'exhaustive');
    assert.equal(rep.schedules, 76665);
    assert.equal(rep.withLeak, 42924);
    // 62,328, checked by plain enumeration (76,665 executions, no merging). The first wave pinned
    // 42,924 here: its merged states forgot the order of a build and a stop across threads, i.e.
    // whether a duplicate existed (now an explicit sticky flag of the state signature).
    assert.equal(rep.withDuplicate, 62328);
    assert.equal(rep.withSafetyViolation, 0);
    assert.equal(rep.verdict, 'found');
    assert.ok(rep.firstFailure.kinds.includes('leak'));
    const a = await cli(['explore', '--replay', rep.firstFailure.schedule]);
    const b = await cli(['explore', '--replay', rep.firstFailure.schedule]);
    assert.equal(a.code, 0, a.stderr);
    assert.equal(a.stdout, b.stdout, 'replay is deterministic');
    assert.match(a.stdout, /failures: leak/);
    assert.match(a.stdout, /createRaftGroup \(meta apply\)/);
    assert.match(a.stdout, /delete assignment: read rg\.node/);
    assert.match(a.stdout, /register/);
  });

  test('cas, exhaustive, 2 callers with delete: clean, exit 0', async () => {
    const r = await cli(['explore', '--strategy', 'cas', '--callers', '2', '--with-delete', '--mode', 'exhaustive', '--seed', '1', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const rep = JSON.parse(r.stdout) as Record<string, unknown>;
    assert.deepEqual([rep.verdict, rep.withLeak, rep.withDuplicate, rep.firstFailure, rep.complete], ['clean', 0, 0, null, true]);
  });

  test('an exhaustive run that runs out of budget is inconclusive (exit 5), never clean', async () => {
    const r = await cli(['explore', '--strategy', 'locked', '--callers', '3', '--with-delete', '--mode', 'exhaustive', '--budget', '5', '--seed', '1']);
    assert.equal(r.code, 5, r.stderr);
    assert.match(r.stdout, /INCOMPLETE/);
  });

  for (const [args, field] of [
    [['--strategy', 'nope'], '--strategy'],
    [['--strategy', 'cas', '--callers', '0'], '--callers'],
    [['--strategy', 'cas', '--mode', 'dfs'], '--mode'],
    [['--strategy', 'cas', '--servers', '2', '--replicas', '3'], '--replicas'],
    [['--strategy', 'cas', '--budget', '1e3'], '--budget'],
    [['--replay', 'racy:s1r1g1c2:0.9'], '--replay'],
    [['--replay', 'garbage'], '--replay'],
    [['--callers', '2'], '--strategy'],
    [['--strategy', 'cas', '--mode', 'exhaustive', '--raft-ticks', '10'], '--raft-ticks'],
  ] as const) {
    test(`bad input ${args.join(' ')}: one line naming ${field}, exit 2, nothing on stdout`, async () => {
      const r = await cli(['explore', ...args]);
      assert.equal(r.code, 2);
      assert.equal(r.stdout, '');
      const lines = r.stderr.trim().split('\n');
      assert.equal(lines.length, 1, r.stderr);
      assert.ok(lines[0]!.startsWith(`raftrace: ${field}: must be `), r.stderr);
    });
  }
});
