import assert from 'node:assert/strict';
import { test } from 'node:test';
import { groupNameOf, nodeIdOf, replicasOf, serverOfNodeId } from '../../src/host/address.js';
import { SERVERS_LIMIT } from '../../src/host/address.js';

test('group names look like NATS ones, are unique, and are valid registry keys', () => {
  const seen = new Set<string>();
  for (let g = 0; g < 200_000; g++) {
    const name = groupNameOf(g);
    assert.match(name, /^C-R3F-[A-Za-z0-9]{8}$/, `group ${g}: ${name}`);
    assert.ok(!seen.has(name), `group ${g} repeats ${name}`);
    seen.add(name);
  }
});

test('node ids are 8 characters and map back to their server', () => {
  for (let s = 0; s < SERVERS_LIMIT; s++) {
    assert.equal(nodeIdOf(s).length, 8);
    assert.equal(serverOfNodeId(nodeIdOf(s)), s);
  }
  assert.equal(serverOfNodeId('xxxxxxxx'), -1);
});

test('replicas of a group are distinct servers', () => {
  for (let g = 0; g < 100; g++) assert.equal(new Set(replicasOf(g, 5, 3)).size, 3);
});
