import assert from 'node:assert/strict';
import { access, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { freshTmp, leftovers, removeTmp, runCli } from './cli-harness.js';

interface Case {
  readonly name: string;
  /** Arguments after `run`; `$TMP` stands for the child's temp dir. */
  readonly args: readonly string[];
  /** A --config file to write first: its name and contents. */
  readonly file?: { readonly name: string; readonly text: string };
  /** What the single stderr line must name. */
  readonly names: RegExp;
}

const CASES: readonly Case[] = [
  { name: 'unknown strategy', args: ['--strategy', 'optimistic'], names: /^raftrace: --strategy: must be one of racy, locked, inflight, cas; got "optimistic"$/ },
  { name: 'negative groups', args: ['--groups', '-3'], names: /^raftrace: --groups: must be an integer in \[1, \d+\]; got -3$/ },
  { name: 'non-numeric groups', args: ['--groups', 'many'], names: /^raftrace: --groups: must be an integer; got "many"$/ },
  { name: 'replicas > servers', args: ['--servers', '3', '--replicas', '5'], names: /^raftrace: --replicas: must be an integer in \[1, servers = 3\]; got 5$/ },
  { name: 'memfs with 2 workers', args: ['--disk', 'memfs', '--workers', '2'], names: /^raftrace: --disk: must be 'fs' when workers > 1.*; got "memfs"$/ },
  { name: 'unknown preset', args: ['--preset', 'medium'], names: /^raftrace: --preset: must be one of light, heavy; got "medium"$/ },
  { name: 'unknown flag', args: ['--grups', '5'], names: /^raftrace: unknown option '--grups'/ },
  { name: 'missing value', args: ['--groups'], names: /^raftrace: option '--groups <n>' argument missing$/ },
  { name: '--config: missing file', args: ['--config', '$TMP/absent.json'], names: /^raftrace: --config: must be a readable JSON file; got ".*absent\.json" \(no such file\)$/ },
  { name: '--config: invalid JSON', args: ['--config', '$TMP/bad.json'], file: { name: 'bad.json', text: '{"groups": 12,' }, names: /^raftrace: --config: must be a file of valid JSON; got ".*bad\.json"/ },
  { name: '--config: unknown key', args: ['--config', '$TMP/unknown.json'], file: { name: 'unknown.json', text: '{"groups": 12, "grups": 5}' }, names: /^raftrace: grups: must be a known field \(.*\), not an unknown one; got 5$/ },
  { name: '--config: bad value', args: ['--config', '$TMP/value.json'], file: { name: 'value.json', text: '{"strategy": "cas", "concurrency": 0}' }, names: /^raftrace: concurrency: must be an integer in \[1, 4096\]; got 0$/ },
];

const exists = (p: string): Promise<boolean> => access(p).then(() => true, () => false);

describe('raftrace run: bad input exits 2 with one line naming the field, and writes nothing', { concurrency: 2 }, () => {
  for (const c of CASES) {
    test(c.name, async () => {
      const tmp = await freshTmp();
      try {
        if (c.file) await writeFile(join(tmp, c.file.name), c.file.text);
        const out = join(tmp, 'result.json');
        // --out goes first so that a flag missing its value stays the last argument.
        const args = ['run', '--out', out, '--no-progress', ...c.args.map((a) => a.replace('$TMP', tmp))];
        const r = await runCli(args, tmp);
        assert.equal(r.code, 2, `exit code; stderr:\n${r.stderr}`);
        const lines = r.stderr.split('\n').filter((l) => l !== '');
        assert.equal(lines.length, 1, `exactly one stderr line, got:\n${r.stderr}`);
        assert.match(lines[0]!, c.names);
        assert.equal(r.stdout, '');
        assert.equal(await exists(out), false, '--out must not be written');
        assert.deepEqual(await leftovers(tmp), []);
      } finally {
        await removeTmp(tmp);
      }
    });
  }
});
