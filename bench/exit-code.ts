import { EXIT, type ExitCode } from '../src/cli/exit-codes.js';
import type { ScenarioResult } from '../src/scenario/result.js';

/** What the bench saw over all its runs, folded into its exit code. */
export interface BenchOutcome {
  /** Some run's verdict was `forbidden` (a duplicate or leak under a strategy that claims atomicity). */
  readonly forbidden: boolean;
  /** Some run ended in a harness failure. */
  readonly harnessFailure: boolean;
  /** Ctrl-C ended the bench early. */
  readonly interrupted: boolean;
}

/** True if any of `results` is a forbidden outcome. */
export function anyForbidden(results: readonly ScenarioResult[]): boolean {
  return results.some((r) => r.verdict.outcome === 'forbidden');
}

/**
 * The bench's exit code, from the CLI's one table. A forbidden outcome wins over everything, even an
 * interruption: evidence of the bug under an atomic strategy must fail CI whatever else happened.
 */
export function benchExitCode(o: BenchOutcome): ExitCode {
  if (o.forbidden) return EXIT.forbidden;
  if (o.harnessFailure) return EXIT.harnessFailure;
  return o.interrupted ? EXIT.interrupted : EXIT.ok;
}
