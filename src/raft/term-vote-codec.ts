/**
 * The `tav.idx` image: 16 bytes, a u64 little-endian term, then the 8-character vote id (eight
 * zero bytes when there is no vote). NATS writes the same prefix (`8 + len(vote)` bytes); we always
 * write the fixed 16 so a file's size alone tells a torn write from a good one.
 */
import { RaftError, TermVoteDecodeError } from './errors.js';
import { NODE_ID_LENGTH, isNodeId } from './node-id.js';
import type { TermVote } from './types.js';

/** File name of the term/vote record in a group's store dir (NATS `termVoteFile`). */
export const TERM_VOTE_FILE = 'tav.idx';

/** Size in bytes of an encoded {@link TermVote}. */
export const TERM_VOTE_BYTES = 8 + NODE_ID_LENGTH;

/** Encodes a term/vote pair. Throws `RaftError('BAD_TERM_VOTE')` on a bad term or vote id. */
export function encodeTermVote(tv: TermVote): Uint8Array {
  if (!Number.isSafeInteger(tv.term) || tv.term < 0) {
    throw new RaftError('BAD_TERM_VOTE', `term must be a safe integer >= 0, got ${String(tv.term)}`);
  }
  if (tv.vote !== '' && !isNodeId(tv.vote)) {
    throw new RaftError('BAD_TERM_VOTE', `vote must be '' or an 8-character id, got ${JSON.stringify(tv.vote)}`);
  }
  const out = new Uint8Array(TERM_VOTE_BYTES);
  new DataView(out.buffer).setBigUint64(0, BigInt(tv.term), true);
  for (let i = 0; i < tv.vote.length; i++) out[8 + i] = tv.vote.charCodeAt(i);
  return out;
}

/**
 * Decodes a `tav.idx` image. Throws {@link TermVoteDecodeError} with code `BAD_LENGTH` (not 16
 * bytes), `TERM_TOO_LARGE` (above 2^53 - 1) or `BAD_VOTE_ID` (neither all zeros nor 8 printable
 * ASCII characters).
 */
export function decodeTermVote(b: Uint8Array): TermVote {
  if (b.length !== TERM_VOTE_BYTES) {
    throw new TermVoteDecodeError('BAD_LENGTH', `${TERM_VOTE_FILE} must be ${TERM_VOTE_BYTES} bytes, got ${b.length}`);
  }
  const big = new DataView(b.buffer, b.byteOffset, b.byteLength).getBigUint64(0, true);
  if (big > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new TermVoteDecodeError('TERM_TOO_LARGE', `term ${big.toString()} exceeds 2^53 - 1`);
  }
  let zeros = 0;
  let vote = '';
  for (let i = 8; i < TERM_VOTE_BYTES; i++) {
    const c = b[i] as number;
    if (c === 0) zeros++;
    vote += String.fromCharCode(c);
  }
  if (zeros === NODE_ID_LENGTH) return { term: Number(big), vote: '' };
  if (!isNodeId(vote)) {
    const hex = Array.from(b.subarray(8), (c) => c.toString(16).padStart(2, '0')).join('');
    throw new TermVoteDecodeError('BAD_VOTE_ID', `vote bytes ${hex} are neither all zero nor a printable 8-char id`);
  }
  return { term: Number(big), vote };
}

/**
 * Reads a `tav.idx` image the way NATS's `readTermVote` does: fewer than 8 bytes (an empty file
 * caught mid-rewrite by a concurrent writer, as duplicates produce) reads as no term and no vote;
 * 8 to 15 bytes as a term with no vote; 16 and more through {@link decodeTermVote}.
 */
export function decodeTermVoteLenient(b: Uint8Array): TermVote {
  if (b.length < 8) return { term: 0, vote: '' };
  if (b.length < TERM_VOTE_BYTES) {
    const padded = new Uint8Array(TERM_VOTE_BYTES);
    padded.set(b.subarray(0, 8));
    return decodeTermVote(padded);
  }
  return decodeTermVote(b.subarray(0, TERM_VOTE_BYTES));
}
