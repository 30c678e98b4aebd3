import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { describe, test } from 'node:test';
import { deliverResult } from '../../src/cli/result-output.js';
import { buildConfig } from '../../src/scenario/config.js';
import { runScenario } from '../../src/scenario/run.js';

describe('hardening: an --out that fails at the end still keeps the result', () => {
  test('the JSON is saved to a fallback file and stderr says where', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'raftrace-deliver-'));
    let saved: string | undefined;
    try {
      const result = await runScenario(buildConfig({ strategy: 'cas', groups: 3, concurrency: 3, workers: 1, disk: 'memfs', timeScaleMs: 2, observeNatsSeconds: 0, seed: 77 }), { storeParentDir: dir });
      let err = '';
      const sink = new Writable({ write: (c: Buffer, _e, cb) => ((err += c.toString()), cb()) });
      // A parent that is a file: the write fails at the end, as if the disk had changed since the check.
      const ok = await deliverResult(result, { out: '/etc/hostname/late.json', human: '', err: sink });
      assert.equal(ok, false);
      const m = /^raftrace: --out: could not write "\/etc\/hostname\/late\.json": E[A-Z]+; the result was saved to (\S+)$/m.exec(err);
      assert.ok(m, err);
      saved = m[1]!;
      assert.equal((JSON.parse(await readFile(m[1]!, "utf8")) as { seed: number }).seed, 77);
    } finally {
      if (saved !== undefined) await rm(saved, { force: true });
      await rm(dir, { recursive: true, force: true });
    }
  });
});
