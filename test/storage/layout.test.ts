import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  LayoutNameError,
  MAX_NAME_BYTES,
  groupDir,
  peersPath,
  serverDir,
  termVotePath,
} from '../../src/storage/layout.js';

void test('paths follow <storeRoot>/<server>/_js_/<group>', () => {
  assert.equal(serverDir('/r', 'S1'), '/r/S1');
  assert.equal(groupDir('/r', 'S1', 'C-R3F-abcdefgh'), '/r/S1/_js_/C-R3F-abcdefgh');
  assert.equal(termVotePath('/r', 'S1', 'C-R3F-abcdefgh'), '/r/S1/_js_/C-R3F-abcdefgh/tav.idx');
  assert.equal(peersPath('/r', 'S1', 'C-R3F-abcdefgh'), '/r/S1/_js_/C-R3F-abcdefgh/peers.idx');
});

function assertNameError(fn: () => unknown, field: string): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof LayoutNameError);
    assert.ok(e instanceof RangeError);
    assert.equal(e.field, field);
    assert.equal(e.code, 'ERR_RAFTRACE_LAYOUT_NAME');
    assert.ok(e.message.startsWith(`${field} `), e.message);
    return true;
  });
}

void test('bad group names are rejected naming the field', () => {
  for (const bad of ['', 'a/b', 'a\\b', '..', '.', 'a..b', '../x', 'x\0y', 'g'.repeat(MAX_NAME_BYTES + 1)]) {
    assertNameError(() => groupDir('/r', 'S1', bad), 'group');
  }
});

void test('bad server names are rejected naming the field, before the group is checked', () => {
  for (const bad of ['', 'a/b', '..', 'é'.repeat(128)]) {
    assertNameError(() => termVotePath('/r', bad, 'bad/group'), 'server');
  }
});

void test('storeRoot must be absolute', () => {
  assertNameError(() => peersPath('relative/root', 'S1', 'G'), 'storeRoot');
  assertNameError(() => peersPath('', 'S1', 'G'), 'storeRoot');
});

void test('names up to the byte limit, with dots and dashes, are fine', () => {
  assert.ok(groupDir('/r', 'S1', 'g'.repeat(MAX_NAME_BYTES)).endsWith('g'.repeat(MAX_NAME_BYTES)));
  assert.equal(groupDir('/r', 'S.1', '.C-R3F-x'), '/r/S.1/_js_/.C-R3F-x');
});
