import type { GateStatus } from './result.js';
import type { Verdict } from './verdict.js';

export interface StatusInput {
  readonly interrupted: boolean;
  readonly harnessFailure: string | null;
  readonly forbidden: boolean;
  readonly aaShowsDifference: readonly string[];
  readonly counts: Readonly<Record<Verdict, number>>;
}

/**
 * The run's status, in order of precedence: an interruption (the user asked to stop); a forbidden
 * outcome (correctness is never statistical and never masked by timings); a harness failure; an A/A
 * check that saw a difference between identical code (the run measured noise: inconclusive, whatever
 * else it found); a regression not accepted by a trailer; any inconclusive benchmark; else pass.
 */
export function gateStatus(x: StatusInput): { status: GateStatus; headline: string } {
  if (x.interrupted) return { status: 'interrupted', headline: 'INTERRUPTED: partial result, no verdict.' };
  if (x.forbidden) return { status: 'forbidden', headline: 'FORBIDDEN OUTCOME: a duplicate or a leak under an atomic strategy. Timings are void.' };
  if (x.harnessFailure !== null) return { status: 'harness-failure', headline: `HARNESS FAILURE: ${x.harnessFailure}` };
  if (x.aaShowsDifference.length > 0) {
    return {
      status: 'inconclusive',
      headline: `INCONCLUSIVE RUN: the A/A check found a difference between identical code (${x.aaShowsDifference.join(', ')}); this machine was too noisy for any verdict. Re-run.`,
    };
  }
  if (x.counts.regressed > 0) return { status: 'regressed', headline: `REGRESSION: ${x.counts.regressed} benchmark(s) slower beyond the threshold.` };
  const accepted = x.counts.accepted > 0 ? ` ${x.counts.accepted} regression(s) accepted by commit trailer.` : '';
  if (x.counts.inconclusive > 0) return { status: 'inconclusive', headline: `Inconclusive: ${x.counts.inconclusive} benchmark(s) could not be settled within the round limit.${accepted}` };
  return { status: 'pass', headline: `Pass: no regression beyond the threshold.${accepted}` };
}
