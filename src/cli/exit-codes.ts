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
  /** The harness failed (a worker died, a wait timed out, the result could not be written). */
  harnessFailure: 4,
  /**
   * The run finished but did not exercise the claim it was asked to test (e.g. every creation
   * failed), so neither `clean` nor `leaked` can be said. Reserved here so that `run`, the bench
   * and the gate share one table; see the hardening issue for when it is returned.
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
  `  ${EXIT.badInput}    bad input: a flag or the --config file is invalid; nothing was run or written`,
  `  ${EXIT.forbidden}    forbidden outcome: a duplicate or a leak under locked, inflight or cas`,
  `  ${EXIT.harnessFailure}    harness failure: a worker died or a wait timed out (partial result written)`,
  `  ${EXIT.interrupted}  interrupted by Ctrl-C (partial result still printed and written; twice: exit now)`,
].join('\n');

/**
 * The exit code of a finished run. An interruption wins (the user asked to stop); then a forbidden
 * outcome, because evidence of the bug under an atomic strategy must never be masked; then a harness
 * failure.
 */
export function exitCodeOf(result: ScenarioResult, interrupted: boolean): ExitCode {
  if (interrupted) return EXIT.interrupted;
  if (result.verdict.outcome === 'forbidden') return EXIT.forbidden;
  if (result.harnessFailure !== null) return EXIT.harnessFailure;
  return EXIT.ok;
}
