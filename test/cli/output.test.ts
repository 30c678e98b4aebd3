import assert from 'node:assert/strict';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { freshTmp, leftovers, parseResult, removeTmp, runCli, SMALL } from './cli-harness.js';

describe('raftrace run: outputs', () => {
  test('--config with a flag overriding it; table on stdout without colour; --out and --log written', async () => {
    const tmp = await freshTmp();
    try {
      await writeFile(join(tmp, 'cfg.json'), JSON.stringify({ strategy: 'cas', seed: 99, groups: 12, workers: 2, disk: 'fs' }));
      const out = join(tmp, 'reports', 'result.json');
      const log = join(tmp, 'logs', 'raft');
      // 3 callers at once and 5 ms per disk operation: racy's window is open for every (server, group),
      // so duplicates, orphans and their failing tav.idx writes (the logged lines) are certain.
      const wide = ['--callers', '3', '--caller-spread-ms', '0', '--disk-latency-ms', '5'];
      const r = await runCli(['run', '--config', join(tmp, 'cfg.json'), ...SMALL, ...wide, '--strategy', 'racy', '--out', out, '--log', log], tmp);
      assert.equal(r.code, 0, r.stderr);
      // The human table, never ANSI codes on a pipe.
      for (const row of ['throughput', 'create latency', 'duplicates', 'orphans', 'tav.idx failures', 'safety violations', 'verdict']) assert.match(r.stdout, new RegExp(`^  ${row} `, 'm'), row);
      assert.match(r.stdout, /verdict +leaked/);
      assert.equal((r.stdout + r.stderr).includes('\u001b['), false, 'no ANSI escape');
      const res = parseResult(await readFile(out, 'utf8'));
      assert.equal(res.strategy, 'racy', 'the flag overrides the file');
      assert.equal(res.seed, 99, 'the file overrides the default');
      assert.equal(r.stderr.split('\n')[0], 'seed 99 (replay with --seed 99)');
      assert.deepEqual(await readdir(join(tmp, 'reports')), ['result.json'], 'no temp file beside --out');
      // Workers log only warnings and errors (tav.idx failures), each to <prefix>.w<N>.log, opened on first line.
      assert.ok(res.counts.duplicates > 0 && res.tav.enoent > 0, `the race showed: ${JSON.stringify(res.counts)} ${JSON.stringify(res.tav)}`);
      const logs = (await readdir(join(tmp, 'logs'))).sort();
      assert.ok(logs.length > 0, 'tav.idx failures were logged');
      for (const l of logs) assert.match(l, /^raft\.w[01]\.log$/);
      const lines = (await Promise.all(logs.map((l) => readFile(join(tmp, 'logs', l), 'utf8')))).join('').split('\n').filter((l) => l !== '');
      for (const l of lines) assert.match(l, /^\[\d+\] \d{4}\/\d{2}\/\d{2} \d{2}:\d{2}:\d{2}\.\d{6} \[(ERR|WRN)\] RAFT \[\w{8} - \S+\] /, l);
      // Every ENOENT is logged at ERR (NATS: "Resource not found"); the counters are read before the
      // workers close, so the log may hold more (orphans keep failing until then), never fewer.
      assert.ok(lines.filter((l) => l.includes('[ERR]') && l.includes('Resource not found')).length >= res.tav.enoent);
      assert.ok(lines.some((l) => l.includes('[WRN]') && l.includes('Error writing term and vote file')));
      assert.deepEqual(await leftovers(tmp), []);
    } finally {
      await removeTmp(tmp);
    }
  });

  test('plain progress lines on a pipe: "churn N/M groups"', async () => {
    const r = await runCli(['run', ...SMALL.filter((a) => a !== '--no-progress'), '--strategy', 'locked', '--seed', '5', '--workers', '1', '--disk', 'memfs', '--json']);
    try {
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, /^churn 12\/12 groups$/m);
      assert.equal(r.stderr.includes('\u001b['), false, 'no ANSI escape');
    } finally {
      await removeTmp(r.tmp);
    }
  });
});
