/**
 * The WAL image of a stopped node: encode/decode round trip, torn and foreign blocks refused, and a
 * RaftNode restored from an image holds exactly that log, commit index and term.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Prng } from '../../src/env/prng.js';
import { NATS_TIMING } from '../../src/raft/config.js';
import { RaftError } from '../../src/raft/errors.js';
import { decodeLogImage, encodeLogImage } from '../../src/raft/log-image-codec.js';
import { RaftNode } from '../../src/raft/node.js';
import type { Entry, LogImage } from '../../src/raft/types.js';

const IDS = Object.freeze(['nodeaaaa', 'nodebbbb', 'nodecccc']);
const entries = (from: number, terms: readonly number[]): Entry[] => terms.map((term, k) => ({ index: from + k, term, data: k % 3 === 0 ? '' : `e${k}é` }));
const node = (restoredLog?: LogImage, term = 9): RaftNode =>
  new RaftNode({ id: IDS[0]!, peers: IDS, timing: NATS_TIMING, prng: new Prng(1), restored: { term, vote: '' }, ...(restoredLog ? { restoredLog } : {}) });

describe('log image', () => {
  test('round trips through the WAL block, snapshot marker and odd data included', () => {
    for (const img of [
      { snapIndex: 0, snapTerm: 0, commit: 0, entries: [] },
      { snapIndex: 0, snapTerm: 0, commit: 3, entries: entries(1, [1, 1, 2, 2, 5]) },
      { snapIndex: 700, snapTerm: 4, commit: 701, entries: entries(701, [4, 6]) },
      { snapIndex: 2 ** 40, snapTerm: 2 ** 33, commit: 2 ** 40, entries: [] },
    ] satisfies LogImage[]) {
      assert.deepEqual(decodeLogImage(encodeLogImage(img)), img);
    }
  });

  test('a torn, padded or foreign block is refused, never half-read', () => {
    const b = encodeLogImage({ snapIndex: 0, snapTerm: 0, commit: 1, entries: entries(1, [1, 1, 2]) });
    for (let cut = 0; cut < b.length; cut++) assert.throws(() => decodeLogImage(b.subarray(0, cut)), RaftError, `cut at ${cut}`);
    assert.throws(() => decodeLogImage(new Uint8Array([...b, 0])), /trailing/);
    const foreign = b.slice();
    foreign[0] = (foreign[0] ?? 0) ^ 1;
    assert.throws(() => decodeLogImage(foreign), /magic/);
  });

  test('a restored node holds exactly the image: log, commit, applied; its term is at least the last entry term', () => {
    const img: LogImage = { snapIndex: 10, snapTerm: 2, commit: 12, entries: entries(11, [2, 3, 3, 3]) };
    const n = node(img);
    assert.deepEqual(n.logImage(), img);
    assert.equal(n.commitIndex, 12);
    assert.equal(n.appliedIndex, 12, 'committed entries were applied before the stop: not handed out again');
    assert.equal(n.hasReady(), false);
    assert.equal(n.lastIndex, 14);
    assert.equal(n.compactedIndex, 10);
    assert.equal(node(img, 1).term, 3, 'a tav.idx behind the log (a failed write) is raised to the last entry term');
  });

  test('an image that breaks a log invariant is bad input (BAD_RESTORED), not a node', () => {
    const bad: LogImage[] = [
      { snapIndex: 0, snapTerm: 0, commit: 0, entries: entries(2, [1]) }, // gap
      { snapIndex: 0, snapTerm: 0, commit: 0, entries: entries(1, [2, 1]) }, // term decreases
      { snapIndex: 5, snapTerm: 3, commit: 5, entries: entries(6, [2]) }, // below the snapshot term
      { snapIndex: 0, snapTerm: 0, commit: 2, entries: entries(1, [1]) }, // commit past the end
      { snapIndex: 4, snapTerm: 1, commit: 3, entries: [] }, // commit below the snapshot
      { snapIndex: 0, snapTerm: 2, commit: 0, entries: [] }, // a term for an empty snapshot
      { snapIndex: 0, snapTerm: 0, commit: 0, entries: entries(1, [0]) }, // term 0 entry
    ];
    for (const img of bad) assert.throws(() => node(img), (e: unknown) => e instanceof RaftError && e.code === 'BAD_RESTORED', JSON.stringify(img));
  });
});
