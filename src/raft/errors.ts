/**
 * The error tiers of the Raft core (see reference/style.md, practice 10):
 * - {@link RaftError}: misuse by the caller (bad id, bad peers, bad call order), a stable `code`;
 * - {@link TermVoteDecodeError}: a `tav.idx` image that cannot be decoded;
 * - {@link RaftInvariantError} via {@link invariant}: a bug in this code. Never caught on purpose.
 * Timing validation throws plain `RangeError` (config.ts), as bad-input errors elsewhere do.
 */

/** Stable codes of {@link RaftError}. */
export type RaftErrorCode =
  | 'BAD_NODE_ID'
  | 'BAD_PEERS'
  | 'BAD_RESTORED'
  | 'READY_NOT_ADVANCED'
  | 'ADVANCE_WITHOUT_READY'
  | 'BAD_COMPACT'
  | 'BAD_SKIP'
  | 'PARKED'
  | 'BAD_TERM_VOTE';

/** Misuse of the Raft API. `code` is stable; the message names the offending value. */
export class RaftError extends Error {
  override readonly name = 'RaftError';
  constructor(
    readonly code: RaftErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`${code}: ${message}`, options);
  }
}

/** Stable codes of {@link TermVoteDecodeError}. */
export type TermVoteDecodeCode = 'BAD_LENGTH' | 'TERM_TOO_LARGE' | 'BAD_VOTE_ID';

/** A `tav.idx` image that is not 16 bytes of (u64 LE term, 8-byte vote id or zeros). */
export class TermVoteDecodeError extends Error {
  override readonly name = 'TermVoteDecodeError';
  constructor(
    readonly code: TermVoteDecodeCode,
    message: string,
  ) {
    super(`${code}: ${message}`);
  }
}

/** A broken invariant: a bug in the Raft core (or memory corruption), never an expected outcome. */
export class RaftInvariantError extends Error {
  override readonly name = 'RaftInvariantError';
}

/**
 * Asserts an invariant. Pass a constant string (no template building on the hot path); the
 * optional `detail` callback only runs on failure.
 */
export function invariant(cond: boolean, what: string, detail?: () => string): asserts cond {
  if (!cond) throw new RaftInvariantError(detail === undefined ? what : `${what}: ${detail()}`);
}
