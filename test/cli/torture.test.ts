import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { runTorture } from '../../bench/torture/run.js';

// The short, seeded, bounded torture run of `npm test`: one case of every class (bad flags, bad
// config files, bad outputs, --log, TMPDIR, fd limit, disk faults, signals, bench flags, a full
// stdout). The long run is `npm run torture -- --cases 60 --long` and the end of the soak.
const SEED = 20261201;

describe('torture (short)', () => {
  test(`11 hostile cases, seed ${SEED}: every invariant holds`, { timeout: 150_000 }, async () => {
    const r = await runTorture({ cases: 11, seed: SEED, long: false });
    assert.equal(r.cases, 11);
    assert.deepEqual(r.failed, [], `replay: npm run torture -- --cases 11 --seed ${SEED}`);
  });
});
