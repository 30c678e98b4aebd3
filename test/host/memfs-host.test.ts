/**
 * The #5824 duplicate on the memfs backend, in one thread, deterministically: a NodeHost built
 * in-process (no piscina, no timer), time driven by hand one tick at a time on a SimClock, every
 * tick's I/O settled before the next one. Pass/fail never depends on wall-clock timing (the only
 * real-time values are the pause/lock timeouts, which only matter if something hangs).
 *
 * Why a SimClock and not realClock: the WRN rate limiter (1 NATS s) and the create/delete latencies
 * read the injected clock. Advancing a SimClock by exactly one tick interval per tick makes the
 * limiter see NATS time, so "one WRN per campaign, the second write's WRN suppressed" is an exact
 * count instead of a property of how fast this machine ran the loop.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { hooksFromPause } from '../../src/cluster/pause-hooks.js';
import type { CensusEntry, CreateResult } from '../../src/cluster/protocol.js';
import { PAUSE_COUNTERS } from '../../src/create/pause.js';
import type { StrategyName } from '../../src/create/strategy.js';
import { groupNameOf } from '../../src/host/address.js';
import { NATS_TIMING } from '../../src/raft/config.js';
import { SharedCounters } from '../../src/shm/sync-primitives.js';
import { create, makeRig, remove, settle, tick, type Rig } from '../fixtures/model-rig.js';

/** Ticks run after the delete: 3,000 ticks = 300 NATS seconds. */
const TICKS_AFTER_DELETE = 3_000;
/** Generous cap on the election after creation (NATS: campaign 1–8 ticks, election 40–90). */
const ELECTION_TICKS_MAX = 2_000;
const PAUSE_TIMEOUT_MS = 10_000;

/**
 * Bounds NATS timing implies for the orphan's persistent failures in TICKS_AFTER_DELETE ticks.
 *
 * - A leader orphan steps down at its second lost-quorum check at the latest: the first check
 *   after the delete may still count answers heard before it, the next one cannot. So within
 *   2 × lostQuorumTicks = 200 ticks. A follower or candidate orphan never needs that step.
 * - After the step-down (or any reset) it campaigns within one election timeout, 40–90 ticks; each
 *   campaign makes exactly 2 term/vote writes ({term+1, ''}, then the self-vote), both ENOENT.
 * - So the first campaign falls in [1, 200 + 90] ticks after the delete and the next ones follow
 *   every 40–90 ticks:
 *     campaigns_min = 1 + floor((T - 290) / 90) = 31   (T = 3000)
 *     campaigns_max = 1 + floor((T - 1) / 40)   = 75
 *   failures = 2 × campaigns ∈ [62, 150].
 */
function failureBounds(ticks: number): { min: number; max: number; campaignsMin: number; campaignsMax: number } {
  const t = NATS_TIMING;
  const firstLatest = 2 * t.lostQuorumTicks + t.electionTimeoutMaxTicks;
  const campaignsMin = 1 + Math.floor((ticks - firstLatest) / t.electionTimeoutMaxTicks);
  const campaignsMax = 1 + Math.floor((ticks - 1) / t.electionTimeoutMinTicks);
  return { min: 2 * campaignsMin, max: 2 * campaignsMax, campaignsMin, campaignsMax };
}

/** Two paused creators of (S0, g0) in this isolate, plus the plain creates of S1 and S2. */
async function createGroup0(rig: Rig, strategy: StrategyName): Promise<CreateResult[]> {
  const ctl = new SharedCounters(PAUSE_COUNTERS);
  const pause = { ctl: ctl.buffer, callers: 2, timeoutMs: PAUSE_TIMEOUT_MS };
  const r = await Promise.all([
    create(rig, 0, 0, strategy, hooksFromPause(strategy, pause)),
    create(rig, 0, 0, strategy, hooksFromPause(strategy, pause)),
    create(rig, 1, 0, strategy),
    create(rig, 2, 0, strategy),
  ]);
  await settle(rig);
  return r;
}

async function tickUntilLeader(rig: Rig): Promise<number> {
  for (let t = 1; t <= ELECTION_TICKS_MAX; t++) {
    await tick(rig);
    if (rig.model.census().some((e) => e.role === 'leader')) return t;
  }
  throw new Error(`no leader after ${ELECTION_TICKS_MAX} ticks`);
}

/** NATS's delete: for each server, `Delete()` the instance its assignment references. */
async function deleteGroup0(rig: Rig, strategy: StrategyName): Promise<number[]> {
  const deleted: number[] = [];
  for (let server = 0; server < rig.config.servers; server++) {
    const id = rig.tables.assigned(server, 0);
    assert.notEqual(id, 0, `S${server} has an assignment for g0`);
    const r = await remove(rig, server, 0, id, strategy);
    assert.ok(r.ok, JSON.stringify(r));
    deleted.push(id);
  }
  await settle(rig);
  return deleted;
}

function instancesOf(census: readonly CensusEntry[], server: number, group: number): CensusEntry[] {
  return census.filter((e) => e.server === server && e.group === group);
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

interface RacySummary {
  readonly leaderAfterTicks: number;
  readonly survivor: number;
  readonly deleted: readonly number[];
  readonly failures: number;
  readonly termDelta: number;
  readonly lines: readonly string[];
}

/**
 * The racy run, asserted step by step; returns what a second run with the same seed must repeat
 * exactly (the determinism test compares two of them).
 */
async function racyScenario(): Promise<RacySummary> {
  const rig = makeRig();
  const { model: host, log } = rig;
  const r = await createGroup0(rig, 'racy');
  assert.ok(r.every((x) => x.ok), JSON.stringify(r));
  const [a, b] = r as [Extract<CreateResult, { ok: true }>, Extract<CreateResult, { ok: true }>];
  assert.ok(a.built && b.built, 'both racy creators passed the check and built');
  assert.notEqual(a.instanceId, b.instanceId);
  assert.equal(instancesOf(host.census(), 0, 0).length, 2, 'two instances of (S0, g0)');
  assert.equal(host.census().length, 4);

  const leaderAfterTicks = await tickUntilLeader(rig);
  const deleted = await deleteGroup0(rig, 'racy');

  const afterDelete = host.census();
  assert.equal(afterDelete.length, 1, 'exactly one instance survives the delete');
  const orphan = afterDelete[0]!;
  assert.equal(orphan.server, 0);
  assert.equal(orphan.group, 0);
  assert.ok([a.instanceId, b.instanceId].includes(orphan.instanceId));
  assert.ok(!deleted.includes(orphan.instanceId), 'the survivor is the one nothing referenced');
  assert.equal(orphan.state, 'running');
  assert.equal(orphan.inRegistry, false);
  assert.equal(orphan.inAssignment, false);
  assert.equal(host.stats().tav.persistent, 0, 'nothing failed before the delete');
  assert.equal(await rig.disk.exists(`/store/S00/_js_/${groupNameOf(0)}`), false, 'the delete removed the shared store dir');
  const termAtDelete = orphan.term;
  const logLinesAtDelete = log.lines.length;

  for (let t = 0; t < TICKS_AFTER_DELETE; t++) await tick(rig);

  const left = host.census();
  assert.equal(left.length, 1, 'still exactly one instance');
  const o = left[0]!;
  assert.equal(o.instanceId, orphan.instanceId);
  assert.equal(o.inRegistry, false);
  assert.equal(o.inAssignment, false);
  assert.equal(o.role, 'candidate', 'alone, it campaigns forever');

  const stats = host.stats();
  const failures = stats.tav.persistent;
  const bounds = failureBounds(TICKS_AFTER_DELETE);
  assert.ok(failures >= bounds.min && failures <= bounds.max, `${failures} persistent failures, expected [${bounds.min}, ${bounds.max}]`);
  assert.equal(failures % 2, 0, 'two failed writes per campaign');
  assert.equal(o.tavFailures, failures, 'census per-instance failures = host persistent failures');
  assert.equal(o.term - termAtDelete, failures / 2, 'one term per campaign, two writes each');
  assert.equal(stats.tav.enoent, failures, 'every failure is ENOENT');
  assert.equal(stats.tav.other, 0);
  assert.equal(stats.tav.transient, 0, 'no deleted instance had a write in flight');
  // One NATS second of WRN expiry is 10 ticks; campaigns are >= 40 ticks apart and their two
  // writes fall in the same tick: exactly one WRN per campaign.
  assert.equal(stats.tav.warnLogged, failures / 2);
  assert.equal(stats.tav.warnSuppressed, failures / 2);

  const name = groupNameOf(0);
  const path = `/store/S00/_js_/${name}/tav.idx`;
  const lines = log.rendered().slice(logLinesAtDelete);
  const err = `[ERR] RAFT [S00node_ - ${name}] Resource not found: open ${path}: no such file or directory`;
  const wrn = `[WRN] RAFT [S00node_ - ${name}] Error writing term and vote file for "${name}": open ${path}: no such file or directory`;
  assert.equal(lines.filter((l) => l === err).length, failures, 'one ERR line per failure');
  assert.equal(lines.filter((l) => l === wrn).length, failures / 2, 'one WRN line per campaign');
  assert.equal(lines.length, failures + failures / 2, `no other lines: ${lines.filter((l) => l !== err && l !== wrn).join('\n')}`);
  assert.match(lines[0] ?? '', new RegExp(`^\\[ERR\\] RAFT \\[S00node_ - ${escapeRe(name)}\\] Resource not found: open .*tav\\.idx: no such file or directory$`));
  return { leaderAfterTicks, survivor: o.instanceId, deleted, failures, termDelta: o.term - termAtDelete, lines: log.rendered() };
}

describe('memfs, one thread, simulated time: the #5824 duplicate', () => {
  test('failure bounds follow from NATS timing', () => {
    assert.deepEqual(failureBounds(TICKS_AFTER_DELETE), { min: 62, max: 150, campaignsMin: 31, campaignsMax: 75 });
  });

  test('racy: two creators of (S0, g0) build two instances; the unreferenced one outlives the delete and fails every campaign', async (t) => {
    const out = await racyScenario();
    const bounds = failureBounds(TICKS_AFTER_DELETE);
    assert.ok(out.failures >= bounds.min && out.failures <= bounds.max);
    t.diagnostic(`leader after ${out.leaderAfterTicks} ticks; ${out.failures} persistent failures in ${TICKS_AFTER_DELETE} ticks (bounds ${bounds.min}-${bounds.max}); ${out.termDelta} campaigns`);
  });

  test('racy: the same seed gives the same run, line for line (no wall-clock dependence)', async () => {
    const first = await racyScenario();
    const second = await racyScenario();
    assert.deepEqual(second, first);
  });

  for (const strategy of ['cas', 'inflight', 'locked'] as const) {
    test(`${strategy}: two creators of (S0, g0) resolve to one instance; nothing survives the delete`, async () => {
      const rig = makeRig({ natsVersion: strategy === 'locked' ? '2.10.28' : '2.14.0' });
      const { model: host, log } = rig;
      const r = await createGroup0(rig, strategy);
      assert.ok(r.every((x) => x.ok), JSON.stringify(r));
      const [a, b] = r as [Extract<CreateResult, { ok: true }>, Extract<CreateResult, { ok: true }>];
      assert.equal(a.instanceId, b.instanceId, 'both creators resolved to the same instance');
      assert.equal(Number(a.built) + Number(b.built), 1, 'exactly one of them built it');
      const s0 = instancesOf(host.census(), 0, 0);
      assert.equal(s0.length, 1, 'exactly one instance of (S0, g0)');
      assert.ok(s0[0]!.inRegistry && s0[0]!.inAssignment);

      await tickUntilLeader(rig);
      await deleteGroup0(rig, strategy);
      assert.deepEqual(host.census(), [], 'nothing survives the delete');

      for (let t = 0; t < TICKS_AFTER_DELETE; t++) await tick(rig);

      assert.deepEqual(host.census(), []);
      assert.equal(host.core.size, 0);
      const stats = host.stats();
      assert.deepEqual(
        { ...stats.tav },
        { enoent: 0, other: 0, transient: 0, persistent: 0, warnLogged: 0, warnSuppressed: 0, unlogged: 0 },
        'zero tav.idx failures',
      );
      assert.deepEqual(log.rendered(), [], 'no ERR or WRN lines');
    });
  }
});

describe('memfs: an orphan that was leading steps down on lost quorum', () => {
  test('racy: the unreferenced twin leads at the delete, then steps down within 2 lost-quorum checks and fails every campaign', async () => {
    const t = NATS_TIMING;
    for (let seed = 1; seed <= 60; seed++) {
      const rig = makeRig({ seed });
      const r = await createGroup0(rig, 'racy');
      assert.ok(r.every((x) => x.ok));
      await tickUntilLeader(rig);
      const assigned = rig.tables.assigned(0, 0);
      const orphan = rig.model.census().find((e) => e.server === 0 && e.instanceId !== assigned);
      if (!orphan || orphan.role !== 'leader') continue;
      await deleteGroup0(rig, 'racy');
      let ticks = 0;
      while (rig.model.census()[0]!.role === 'leader' && ticks < 2 * t.lostQuorumTicks + 1) {
        await tick(rig);
        ticks++;
      }
      assert.notEqual(rig.model.census()[0]!.role, 'leader', `seed ${seed}: the orphaned leader stepped down (after ${ticks} ticks)`);
      for (let k = 0; k < t.electionTimeoutMaxTicks + 1; k++) await tick(rig);
      assert.ok(rig.model.stats().tav.persistent >= 2, 'then it campaigns and fails its writes');
      return;
    }
    assert.fail('no seed in 1..60 made the unreferenced twin the leader');
  });
});
