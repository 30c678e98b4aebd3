import type { ScenarioResult } from '../scenario/result.js';

/** The CLI's exit codes: one meaning each, documented in --help and the README. */
export const EXIT = {
  /** The run finished; `clean`, or `leaked` under racy (the expected bug). */
  ok: 0,
  /** `raftrace gate` only: a benchmark regressed beyond its threshold and no trailer accepted it. */
  regression: 1,
  /** Bad flags or config file; nothing was run or written. */
  badInput: 2,
  /** A duplicate or a leak under an atomic strategy (locked, inflight, cas). */
  forbidden: 3,
  /** The harness failed (a worker died, a creator's wait timed out, the result could not be written). */
  harnessFailure: 4,
  /**
   * The run finished without a duplicate or leak but did not exercise the claim it tests: fewer
   * than max(1, half) of the (server, group)s with two or more requests had two successful
   * concurrent creations (every creation failed with EIO, a full disk, EMFILE; a single caller per
   * group). Neither `clean` nor `leaked` can be said. See src/scenario/verdict.ts.
   */
  inconclusive: 5,
  /** Interrupted with Ctrl-C (SIGINT); the partial result was still printed and written. */
  interrupted: 130,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** The exit-code section of --help. */
export const EXIT_CODES_HELP = [
  'Exit codes:',
  `  ${EXIT.ok}    ok: the run finished (clean, or "leaked" under racy: the bug, expected)`,
  `  ${EXIT.regression}    regression: \`raftrace gate\` only, a benchmark regressed beyond its threshold`,
  `  ${EXIT.badInput}    bad input: a flag or the --config file is invalid; nothing was run or written`,
  `  ${EXIT.forbidden}    forbidden outcome: a duplicate or a leak under locked, inflight or cas`,
  `  ${EXIT.harnessFailure}    harness failure: a worker died, a creator's wait timed out, or the result could not be written`,
  `  ${EXIT.inconclusive}    inconclusive: no duplicate or leak, but fewer than max(1, half) of the contended (server, group)s`,
  `       had 2+ successful concurrent creations (e.g. every creation failed): "clean" cannot be claimed`,
  `  ${EXIT.interrupted}  interrupted by Ctrl-C (partial result still printed and written; twice: exit now)`,
].join('\n');

/**
 * The exit code of a finished run. An interruption wins (the user asked to stop); then a forbidden
 * outcome, because evidence of the bug under an atomic strategy must never be masked; then a harness
 * failure; then an inconclusive verdict (a run that could not test its claim is not `ok`).
 */
export function exitCodeOf(result: ScenarioResult, interrupted: boolean): ExitCode {
  if (interrupted) return EXIT.interrupted;
  if (result.verdict.outcome === 'forbidden') return EXIT.forbidden;
  if (result.harnessFailure !== null) return EXIT.harnessFailure;
  if (result.verdict.outcome === 'inconclusive') return EXIT.inconclusive;
  return EXIT.ok;
}
