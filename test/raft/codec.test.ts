import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { RaftError, TermVoteDecodeError } from '../../src/raft/errors.js';
import { TERM_VOTE_FILE, decodeTermVote, encodeTermVote } from '../../src/raft/term-vote-codec.js';
import type { TermVote } from '../../src/raft/types.js';

const idChar = fc.integer({ min: 0x21, max: 0x7e }).map((c) => String.fromCharCode(c));
const nodeId = fc.array(idChar, { minLength: 8, maxLength: 8 }).map((cs) => cs.join(''));
const termVote: fc.Arbitrary<TermVote> = fc.record({
  term: fc.oneof(fc.integer({ min: 0, max: 1000 }), fc.constant(Number.MAX_SAFE_INTEGER), fc.nat()),
  vote: fc.oneof(fc.constant(''), nodeId),
});

test('tav.idx round trip (property)', () => {
  assert.equal(TERM_VOTE_FILE, 'tav.idx');
  fc.assert(
    fc.property(termVote, (tv) => {
      const b = encodeTermVote(tv);
      assert.equal(b.length, 16);
      assert.deepEqual(decodeTermVote(b), { term: tv.term, vote: tv.vote });
    }),
  );
});

test('tav.idx layout: u64 little-endian term, then the id bytes or zeros', () => {
  const b = encodeTermVote({ term: 0x0102030405, vote: 'ABCDEFGH' });
  assert.deepEqual([...b], [5, 4, 3, 2, 1, 0, 0, 0, 65, 66, 67, 68, 69, 70, 71, 72]);
  assert.deepEqual([...encodeTermVote({ term: 1, vote: '' })], [1, ...new Array<number>(15).fill(0)]);
  // A view into a larger buffer decodes from its own offset.
  const big = new Uint8Array(20);
  big.set(b, 3);
  assert.deepEqual(decodeTermVote(big.subarray(3, 19)), { term: 0x0102030405, vote: 'ABCDEFGH' });
});

test('tav.idx decode errors are named, with stable codes', () => {
  const code = (b: Uint8Array): string => {
    try {
      decodeTermVote(b);
    } catch (e) {
      assert.ok(e instanceof TermVoteDecodeError);
      assert.equal(e.name, 'TermVoteDecodeError');
      return e.code;
    }
    return 'none';
  };
  for (const n of [0, 8, 15, 17]) assert.equal(code(new Uint8Array(n)), 'BAD_LENGTH');
  const huge = new Uint8Array(16).fill(0xff, 0, 8);
  assert.equal(code(huge), 'TERM_TOO_LARGE');
  const partial = encodeTermVote({ term: 3, vote: 'ABCDEFGH' });
  partial[15] = 0;
  assert.equal(code(partial), 'BAD_VOTE_ID');
  const space = encodeTermVote({ term: 3, vote: 'ABCDEFGH' });
  space[9] = 0x20;
  assert.equal(code(space), 'BAD_VOTE_ID');
});

test('tav.idx encode rejects bad terms and ids', () => {
  for (const tv of [{ term: -1, vote: '' }, { term: 1.5, vote: '' }, { term: 2 ** 53, vote: '' }, { term: 1, vote: 'short' }, { term: 1, vote: 'has space' }]) {
    assert.throws(() => encodeTermVote(tv), (e: unknown) => e instanceof RaftError && e.code === 'BAD_TERM_VOTE');
  }
});
