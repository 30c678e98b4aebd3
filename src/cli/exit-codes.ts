import type { ScenarioResult } from '../scenario/result.js';

/** The CLI's exit codes: one meaning each, documented in --help and the README. */
export const EXIT = {
  /** The run finished; `clean`, or `leaked` under racy (the expected bug). */
  ok: 0,
  /** `raftrace gate` only: a benchmark regressed beyond its threshold and no trailer accepted it. */
  regression: 1,
  /** Bad flags, config file, output location or TMPDIR; nothing was run or written. */
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
  /** Interrupted with Ctrl-C (SIGINT) or SIGTERM; the partial result was still printed and written. */
  interrupted: 130,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** The exit-code section of --help. */
export const EXIT_CODES_HELP = [
  'Exit codes:',
  `  ${EXIT.ok}    ok: the run finished (clean, or "leaked" under racy: the bug, expected)`,
  `  ${EXIT.regression}    regression: \`raftrace gate\` only, a benchmark regressed beyond its threshold`,
  `  ${EXIT.badInput}    bad input: a flag, the --config file, an output location or TMPDIR is unusable;`,
  `       one line naming it; nothing was run or written (outputs are checked before the run)`,
  `  ${EXIT.forbidden}    forbidden outcome: a duplicate or a leak under locked, inflight or cas`,
  `  ${EXIT.harnessFailure}    harness failure: a worker died, a creator's wait timed out, or the result could not be written`,
  `  ${EXIT.inconclusive}    inconclusive: no duplicate or leak, but fewer than max(1, half) of the contended (server, group)s`,
  `       had 2+ successful concurrent creations (e.g. every creation failed): "clean" cannot be claimed`,
  `  ${EXIT.interrupted}  interrupted by Ctrl-C or SIGTERM: partial result printed and written within 8 s, marked`,
  `       partial (twice: exit now). A forbidden outcome seen before the interrupt still exits 3`,
].join('\n');

/** What a run, or every part of the bench, found: each flag says whether any part had it. */
export interface Findings {
  readonly forbidden: boolean;
  readonly interrupted: boolean;
  readonly harnessFailure: boolean;
  readonly inconclusive: boolean;
}

/**
 * The one precedence, for `raftrace run` and `npm run bench` alike: a forbidden outcome first,
 * because evidence of the bug under an atomic strategy must never be masked (not even by a later
 * Ctrl-C); then an interruption (the user asked to stop; the rest is partial); then a harness
 * failure; then an inconclusive verdict (a run that could not test its claim is not `ok`).
 */
export function exitCodeFor(f: Findings): ExitCode {
  if (f.forbidden) return EXIT.forbidden;
  if (f.interrupted) return EXIT.interrupted;
  if (f.harnessFailure) return EXIT.harnessFailure;
  if (f.inconclusive) return EXIT.inconclusive;
  return EXIT.ok;
}

/** The exit code of a finished run (see exitCodeFor for the precedence). */
export function exitCodeOf(result: ScenarioResult, interrupted: boolean): ExitCode {
  return exitCodeFor({
    forbidden: result.verdict.outcome === 'forbidden',
    interrupted,
    harnessFailure: result.harnessFailure !== null,
    inconclusive: result.verdict.outcome === 'inconclusive',
  });
}
