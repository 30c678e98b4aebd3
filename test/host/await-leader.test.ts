/**
 * 2.9.10 answers a create from the group's first leader (jetstream_cluster.go
 * processConsumerLeaderChange 4274–4330 @ v2.9.10): the worker-side wait resolves only once the
 * preferred replica knows a leader, and gives up on a stopped node. Simulated clock; the test
 * moves time, so "before the election" is a forced state, not a race.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { awaitFirstLeader } from '../../src/cluster/await-leader.js';
import { VERSION_PROFILES } from '../../src/cluster/nats-version.js';
import { create, createReplicas, makeRig, remove, settle, tick } from '../fixtures/model-rig.js';

test('the wait resolves true only after the group elected its first leader', async () => {
  const rig = makeRig({ natsVersion: '2.9.10' });
  const ids = await createReplicas(rig, 0);
  const node = rig.model.core.get(ids[0]!)!;
  assert.equal(node.raft.leaderId, '', 'created, not yet elected');
  let answered: boolean | null = null;
  const waiting = awaitFirstLeader(rig.model, ids[0]!, 1e9).then((v) => (answered = v));
  await settle(rig);
  assert.equal(answered, null, 'no answer before the first election');
  for (let t = 0; t < 400 && node.raft.leaderId === ''; t++) await tick(rig);
  assert.notEqual(node.raft.leaderId, '');
  assert.equal(await waiting, true);
});

test('a stopped node ends the wait with false; a wait past its timeout too', async () => {
  const rig = makeRig({ natsVersion: '2.9.10' });
  const r = await create(rig, 0, 0, 'racy');
  assert.ok(r.ok);
  const waiting = awaitFirstLeader(rig.model, r.instanceId, 1e9);
  assert.ok((await remove(rig, 0, 0, r.instanceId, 'racy')).ok);
  assert.equal(await waiting, false);
  const r2 = await create(rig, 1, 1, 'racy');
  assert.ok(r2.ok);
  const timed = awaitFirstLeader(rig.model, r2.instanceId, 50);
  rig.clock.advanceMs(60);
  assert.equal(await timed, false, 'a lone replica never elects; the wait times out on the model clock');
});

test('only the 2.9.10 profile answers from the first leader', () => {
  assert.deepEqual(Object.values(VERSION_PROFILES).filter((p) => p.createAnswersFromLeader).map((p) => p.version), ['2.9.10']);
});
