import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Cluster, isOrphan } from '../../src/cluster/cluster.js';
import { PAUSE_COUNTERS } from '../../src/create/pause.js';
import { groupNameOf } from '../../src/host/address.js';
import type { CensusEntry } from '../../src/cluster/protocol.js';
import { SharedCounters } from '../../src/shm/sync-primitives.js';
import { createRunStore, type RunStore } from '../../src/storage/run-store.js';
import { testHostConfig } from '../fixtures/host-config.js';
import { waitUntil } from '../fixtures/wait-until.js';

const WAIT_MS = 20_000;

/** At most one leader per (group, term), always (election safety). */
function assertElectionSafety(census: readonly CensusEntry[]): void {
  const seen = new Map<string, number>();
  for (const e of census) {
    if (e.role !== 'leader') continue;
    const k = `${e.group}/${e.term}`;
    assert.equal(seen.has(k), false, `two leaders for group ${e.group} in term ${e.term}`);
    seen.set(k, e.instanceId);
  }
}

async function groupDirsLeft(root: string): Promise<string[]> {
  const out: string[] = [];
  for (const server of await readdir(root).catch(() => [])) {
    if (!server.startsWith('S')) continue;
    out.push(...(await readdir(join(root, server, '_js_')).catch(() => [])).map((g) => `${server}/${g}`));
  }
  return out;
}

describe('R3 groups across 3 worker threads on the real filesystem', () => {
  let store: RunStore;
  let cluster: Cluster;
  const GROUPS = 6;
  before(async () => {
    store = await createRunStore();
    // 5 entries per NATS second = 250 per real second at 20 ms per NATS second: traffic, not a flood.
    // 20 ms (not the fixture's 5) so a worker starved for ~40 ms by a busy machine does not miss
    // heartbeats and start an election (seen: terms 140-190 and never a leader in all 6 groups at once).
    cluster = await Cluster.start(testHostConfig({ storeRoot: store.root, workers: 3, entriesPerSecondPerGroup: 5, timeScaleMs: 20 }), 'cas');
  });
  after(async () => {
    await cluster.close();
    await store.cleanup();
  });

  test('each group elects exactly one leader and replicates entries to every replica', async () => {
    const creates = [];
    for (let g = 0; g < GROUPS; g++) for (const s of cluster.replicasOf(g)) creates.push(cluster.create({ server: s, group: g, worker: (g + s) % 3 }));
    const results = await Promise.all(creates);
    assert.ok(results.every((r) => r.ok && r.built));
    assert.equal(new Set(results.map((r) => r.workerId)).size, 3, 'replicas are spread over all workers');
    let last: CensusEntry[] = [];
    // Groups seen with a leader in any census so far: on a busy machine a starved worker can make a
    // group re-elect, so all six rarely have a leader in one snapshot (seen at load 25: terms 34–54,
    // split votes). Each census must still be safe (one leader per term), every group must have
    // elected, and the last census must show 20 entries committed on every replica.
    const led = new Set<number>();
    const census = await waitUntil(
      async () => {
        const c = (last = await cluster.census());
        assertElectionSafety(c);
        for (const e of c) if (e.role === 'leader') led.add(e.group);
        const minCommit = Math.min(...c.map((e) => e.commitIndex));
        return led.size === GROUPS && minCommit >= 20 ? c : undefined;
      },
      WAIT_MS,
      () =>
        'a leader in every group and 20 committed entries on every replica; last census: ' +
        last.map((e) => `g${e.group}/S${e.server} ${e.role} t${e.term} commit ${e.commitIndex}`).join(', '),
    );
    assert.equal(census.length, GROUPS * 3);
    assert.ok(census.every((e) => e.inRegistry && e.inAssignment && !isOrphan(e)));
  });

  test('deleting every group leaves no instance and no directory', async () => {
    for (let g = 0; g < GROUPS; g++) {
      const out = await cluster.deleteGroup(g);
      assert.equal(out.unassigned, 0);
      assert.ok(out.results.every((r) => r.ok), JSON.stringify(out.results));
    }
    assert.deepEqual(await cluster.census(), []);
    assert.deepEqual(await groupDirsLeft(store.root), []);
  });
});

describe('a duplicate made by a forced racy interleaving outlives its group (#5824)', () => {
  for (const strategy of ['racy', 'cas'] as const) {
    test(`${strategy}: two creators of (S0, g0) on two threads, then the group is deleted`, async () => {
      const store = await createRunStore();
      const logPath = join(store.root, 'raft');
      const cluster = await Cluster.start(testHostConfig({ storeRoot: store.root, workers: 2, logPath }), strategy);
      try {
        const ctl = new SharedCounters(PAUSE_COUNTERS);
        const pause = { ctl: ctl.buffer, callers: 2, timeoutMs: WAIT_MS };
        const r = await Promise.all([
          cluster.create({ server: 0, group: 0, worker: 0, pause }),
          cluster.create({ server: 0, group: 0, worker: 1, pause }),
          cluster.create({ server: 1, group: 0, worker: 0 }),
          cluster.create({ server: 2, group: 0, worker: 1 }),
        ]);
        assert.ok(r.every((x) => x.ok), JSON.stringify(r));
        const s0 = (await cluster.census()).filter((e) => e.server === 0);
        assert.equal(s0.length, strategy === 'racy' ? 2 : 1, 'instances of (S0, g0)');
        await waitUntil(async () => (await cluster.census()).some((e) => e.role === 'leader'), WAIT_MS, 'a leader');

        const del = await cluster.deleteGroup(0);
        assert.ok(del.results.every((x) => x.ok));
        const left = await cluster.census();
        if (strategy === 'cas') {
          assert.deepEqual(left, [], 'nothing survives the delete');
          const stats = await cluster.stats();
          assert.equal(stats.reduce((n, s) => n + s.tav.persistent, 0), 0);
          return;
        }
        assert.equal(left.length, 1, 'exactly the unreferenced duplicate survives');
        assert.ok(isOrphan(left[0]!), 'it is referenced by neither the registry nor the assignment');
        // The orphan campaigns alone every election timeout; both writes hit the removed directory.
        const stats = await waitUntil(
          async () => {
            const st = await cluster.stats();
            return st.reduce((n, s) => n + s.tav.persistent, 0) >= 6 ? st : undefined;
          },
          WAIT_MS,
          '6 persistent tav.idx failures from the orphan',
        );
        const tav = stats.reduce((n, s) => n + s.tav.enoent, 0);
        assert.ok(tav >= 6, 'the failures are ENOENT');
        assert.equal(cluster.replicasOf(0).length, 3);
        await cluster.close();
        const log = (await readFile(`${logPath}.w0.log`, 'utf8').catch(() => '')) + (await readFile(`${logPath}.w1.log`, 'utf8').catch(() => ''));
        const name = groupNameOf(0);
        assert.match(log, new RegExp(`\\[ERR\\] RAFT \\[S00node_ - ${name}\\] Resource not found: open .*/S00/_js_/${name}/tav\\.idx: no such file or directory`));
        assert.match(log, new RegExp(`\\[WRN\\] RAFT \\[S00node_ - ${name}\\] Error writing term and vote file for "${name}": open .*tav\\.idx: no such file or directory`));
      } finally {
        await cluster.close();
        await store.cleanup();
      }
    });
  }
});

test('a worker that crashes mid-run is reported with its cause; nothing hangs', async () => {
  const store = await createRunStore();
  const cluster = await Cluster.start(testHostConfig({ storeRoot: store.root, workers: 2 }), 'cas');
  try {
    await cluster.create({ server: 0, group: 0, worker: 1 });
    await cluster.pool.injectCrash(1, 'test').catch(() => undefined);
    await assert.rejects(
      waitUntil(async () => (await cluster.census()).length === 99, WAIT_MS, 'never'),
      (e: unknown) => e instanceof Error && e.name === 'HarnessFailure' && /worker 1|injected worker crash/.test(e.message),
    );
    assert.ok(cluster.pool.failedWith);
    await assert.rejects(cluster.create({ server: 0, group: 1, worker: 0 }), /HarnessFailure|died|crash/);
  } finally {
    await cluster.close();
    await store.cleanup();
  }
});
