/** The log and the quorum math against dumb references (style practice 8). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { RaftLog } from '../../src/raft/log.js';
import { popcount31, quorumIndex, quorumSize } from '../../src/raft/progress.js';

test('quorumIndex equals the largest index a majority reached (brute force)', () => {
  fc.assert(
    fc.property(fc.array(fc.nat({ max: 50 }), { minLength: 1, maxLength: 9 }), (matches) => {
      let best = 0;
      for (let x = 0; x <= 50; x++) if (matches.filter((m) => m >= x).length >= quorumSize(matches.length)) best = x;
      assert.equal(quorumIndex(matches), best);
    }),
  );
});

test('popcount31 matches a bit loop', () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 0x7fffffff }), (m) => {
      let c = 0;
      for (let i = 0; i < 31; i++) if ((m >>> i) & 1) c++;
      assert.equal(popcount31(m), c);
    }),
  );
});

test('maybeAppend is idempotent, truncates only on conflict, and survives compaction', () => {
  const log = new RaftLog();
  const e = (index: number, term: number, data = `${index}`) => ({ index, term, data });
  assert.equal(log.maybeAppend(0, 0, [e(1, 1), e(2, 1), e(3, 2)], 0), 3);
  assert.equal(log.lastIndex, 3);
  // A stale duplicate of a shorter append must not cut entry 3.
  assert.equal(log.maybeAppend(0, 0, [e(1, 1)], 0), 1);
  assert.equal(log.lastIndex, 3);
  // Mismatch at prev: rejected.
  assert.equal(log.maybeAppend(3, 9, [], 0), -1);
  assert.equal(log.maybeAppend(7, 2, [], 0), -1);
  // Conflict at 3 (term 3 vs 2): truncate and replace.
  assert.equal(log.maybeAppend(2, 1, [e(3, 3, 'new'), e(4, 3)], 2), 4);
  assert.deepEqual(log.slice(3, 5), [e(3, 3, 'new'), e(4, 3)]);
  // A conflict at or below commit is a broken invariant.
  assert.throws(() => log.maybeAppend(1, 1, [e(2, 7)], 2), /conflict at a committed index/);
  log.compact(3);
  assert.equal(log.firstIndex, 4);
  assert.equal(log.term(3), 3);
  assert.equal(log.term(2), -1);
  // Appends reaching under the compacted prefix are accepted for the part above it.
  assert.equal(log.maybeAppend(1, 1, [e(2, 1), e(3, 3, 'new'), e(4, 3), e(5, 3)], 3), 5);
  assert.equal(log.lastIndex, 5);
  log.compact(5);
  assert.equal(log.lastIndex, 5);
  assert.equal(log.lastTerm, 3);
  assert.equal(log.slice(6, 6).length, 0);
});

test('up-to-date rule compares last term, then last index', () => {
  const log = new RaftLog();
  log.append(1, 'a');
  log.append(2, 'b');
  assert.equal(log.isUpToDate(2, 2), true);
  assert.equal(log.isUpToDate(1, 2), false);
  assert.equal(log.isUpToDate(1, 3), true);
  assert.equal(log.isUpToDate(9, 1), false);
});
