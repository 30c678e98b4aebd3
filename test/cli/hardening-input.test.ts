import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { lstat, readFile, writeFile, mkdir, access } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { CLI, freshTmp, leftovers, removeTmp, runCli, SMALL, type CliRun } from './cli-harness.js';

const exists = (p: string): Promise<boolean> => access(p).then(() => true, () => false);

/** The invariants of bad input: exit 2, one short line naming the field, no stack trace, no ESC, nothing run. */
function assertBadInput(r: CliRun, names: RegExp): void {
  assert.equal(r.code, 2, `exit code; stderr:\n${r.stderr.slice(0, 2000)}`);
  const lines = r.stderr.split('\n').filter((l) => l !== '');
  assert.equal(lines.length, 1, `one stderr line, got ${lines.length}: ${r.stderr.slice(0, 2000)}`);
  assert.match(lines[0]!, names);
  assert.ok(lines[0]!.length <= 700, `a line of ${lines[0]!.length} chars`);
  assert.doesNotMatch(r.stderr, /^\s+at /m, 'no stack trace');
  assert.equal(r.stderr.includes('\u001b'), false, 'no raw ESC from the input');
  assert.doesNotMatch(r.stderr, /^seed /m, 'nothing was run');
  assert.equal(r.stdout, '');
}

interface Case {
  readonly name: string;
  readonly setup: (tmp: string) => Promise<readonly string[]>;
  readonly names: RegExp;
  readonly after?: (tmp: string) => Promise<void>;
}

const CASES: readonly Case[] = [
  {
    name: '--out to a FIFO is refused before the run, and the FIFO stays a FIFO',
    setup: async (tmp) => {
      execFileSync('mkfifo', [join(tmp, 'fifo')]);
      return ['--out', join(tmp, 'fifo')];
    },
    names: /^raftrace: --out: must be a regular file path .*; got ".*fifo" \(a FIFO\)$/,
    after: async (tmp) => assert.ok((await lstat(join(tmp, 'fifo'))).isFIFO(), 'never replaced'),
  },
  { name: '--out whose parent is a file', setup: async () => ['--out', '/etc/hostname/x.json'], names: /^raftrace: --out: must be a path whose parent directories can be created; .*not a directory\)$/ },
  { name: '--out under /proc', setup: async () => ['--out', '/proc/raftrace-x.json'], names: /^raftrace: --out: must be a path in a writable directory; got "\/proc\/raftrace-x\.json"/ },
  {
    name: '--config and --out the same file: the config is never overwritten',
    setup: async (tmp) => {
      await writeFile(join(tmp, 'f.json'), '{"groups": 12}');
      return ['--config', join(tmp, 'f.json'), '--out', join(tmp, 'f.json')];
    },
    names: /^raftrace: --out: must be a different file from --config/,
    after: async (tmp) => assert.equal(await readFile(join(tmp, 'f.json'), 'utf8'), '{"groups": 12}'),
  },
  ...['__proto__', 'constructor', 'toString', 'hasOwnProperty'].map((key) => ({
    name: `config key ${key} is an unknown key`,
    setup: async (tmp: string) => {
      await writeFile(join(tmp, 'p.json'), `{"groups": 12, "${key}": {"groups": 1}}`);
      return ['--config', join(tmp, 'p.json')];
    },
    names: new RegExp(`^raftrace: ${key}: must be a known field`),
  })),
  {
    name: 'a deeply nested config value: one line, no stack overflow',
    setup: async (tmp) => {
      await writeFile(join(tmp, 'deep.json'), `{"servers": ${'['.repeat(200_000)}${']'.repeat(200_000)}}`);
      return ['--config', join(tmp, 'deep.json')];
    },
    names: /^raftrace: servers: must be an integer in .*; got an array of 1 item\(s\)$/,
  },
  {
    name: 'a 2 MB config is refused by size, quickly',
    setup: async (tmp) => {
      await writeFile(join(tmp, 'big.json'), `{"${'x'.repeat(2 * 1024 * 1024)}": 1}`);
      return ['--config', join(tmp, 'big.json')];
    },
    names: /^raftrace: --config: must be a JSON file of at most 1048576 bytes; got ".*big\.json" \(\d+ bytes\)$/,
  },
  {
    name: 'ESC sequences and long keys from the file are escaped and cut',
    setup: async (tmp) => {
      await writeFile(join(tmp, 'esc.json'), JSON.stringify({ groups: 12, [`\u001b[31mred\u001b[0m${'k'.repeat(500)}`]: '\u001b]0;title\u0007' }));
      return ['--config', join(tmp, 'esc.json')];
    },
    names: /^raftrace: \\u001b\[31mred\\u001b\[0mk+…: must be a known field/,
  },
  {
    name: 'a FIFO as --config is refused, not read forever',
    setup: async (tmp) => {
      execFileSync('mkfifo', [join(tmp, 'cfg.fifo')]);
      return ['--config', join(tmp, 'cfg.fifo')];
    },
    names: /^raftrace: --config: must be a regular JSON file; got ".*cfg\.fifo" \(a FIFO\)$/,
  },
  { name: '--log prefix ending in /', setup: async (tmp) => ['--log', `${tmp}/logs/`], names: /^raftrace: --log: must be a path prefix for files <prefix>\.w<N>\.log/ },
  {
    name: '--log with a directory in the way of a log file',
    setup: async (tmp) => {
      await mkdir(join(tmp, 'raft.w0.log'));
      return ['--log', join(tmp, 'raft'), '--workers', '2'];
    },
    names: /^raftrace: --log: must be a path prefix whose log files are regular files; .*raft\.w0\.log is a directory\)$/,
  },
  { name: '--log under /proc', setup: async () => ['--log', '/proc/raftrace/raft'], names: /^raftrace: --log: must be a path in a writable directory/ },
  { name: '--disk-latency-ms max below min names the flag, not internals', setup: async () => ['--disk-latency-ms', '5,1'], names: /^raftrace: --disk-latency-ms: must be min or min,max with min <= max; got "5,1"$/ },
];

describe('hardening: bad input is refused before anything runs, in one safe line', { concurrency: 2 }, () => {
  for (const c of CASES) {
    test(c.name, async () => {
      const tmp = await freshTmp();
      try {
        const args = await c.setup(tmp);
        const r = await runCli(['run', ...SMALL, '--strategy', 'cas', ...args], tmp, 20_000);
        assertBadInput(r, c.names);
        await c.after?.(tmp);
        assert.deepEqual(await leftovers(tmp), []);
      } finally {
        await removeTmp(tmp);
      }
    });
  }

  for (const [name, tmpdirValue] of [['missing', '/nonexistent/raftrace-tmp'], ['a file', '/etc/hostname']] as const) {
    test(`TMPDIR ${name}: one line naming TMPDIR, exit 2`, async () => {
      const r = await new Promise<CliRun>((resolve) => {
        const child = spawn(process.execPath, [CLI, 'run', ...SMALL], { env: { ...process.env, TMPDIR: tmpdirValue }, stdio: ['ignore', 'pipe', 'pipe'] });
        let stdout = '';
        let stderr = '';
        child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
        child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
        const killer = setTimeout(() => child.kill('SIGKILL'), 20_000);
        child.on('close', (code, signal) => {
          clearTimeout(killer);
          resolve({ code, signal, stdout, stderr, ms: 0 });
        });
      });
      assertBadInput(r, /^raftrace: TMPDIR: must be a writable directory/);
      assert.equal(await exists(tmpdirValue === '/etc/hostname' ? '/etc/hostname' : tmpdirValue), tmpdirValue === '/etc/hostname');
    });
  }
});
