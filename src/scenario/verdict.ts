import { claimsAtomicity } from '../create/index.js';
import type { ScenarioConfig } from './config.js';
import type { Exercised, Outcome } from './result.js';

/**
 * The minimum that makes `clean` a claim and not an absence of evidence. The atomicity claim is
 * about several callers creating ONE (server, group) at once, so a (server, group) counts as
 * *exercised* when at least two of its creation requests succeeded (each returned an instance).
 * A run may say `clean` only if it exercised at least one pair AND at least EXERCISED_SHARE_MIN of
 * the pairs that had two or more requests complete; otherwise it says `inconclusive` (exit 5):
 * every creation failing (EIO, a full disk, EMFILE), a single caller per group (nothing to race).
 */
export const EXERCISED_SHARE_MIN = 0.5;

export function exercisedMinimum(contendedPairs: number): number {
  return Math.max(1, Math.ceil(EXERCISED_SHARE_MIN * contendedPairs));
}

/**
 * The central decision of a run. Evidence first: a Raft safety break, a duplicate or a leak is
 * `forbidden` under an atomic strategy and `leaked` under racy, whatever else happened. Only
 * without evidence is the run `clean` — and only if the claim was exercised (see above).
 */
export function judge(
  cfg: ScenarioConfig,
  e: { duplicates: number; orphansSeen: number; orphansAtEnd: number; safety: number; exercised: Exercised },
): { outcome: Outcome; reasons: string[] } {
  const reasons: string[] = [];
  if (e.safety > 0) reasons.push(`${e.safety} instance(s) broke a Raft invariant (split brain, diverging logs)`);
  if (e.duplicates > 0) reasons.push(`${e.duplicates} duplicate instance(s) built`);
  if (e.orphansSeen > 0) reasons.push(`${e.orphansSeen} instance(s) seen unreferenced during the run`);
  if (e.orphansAtEnd > 0) reasons.push(`${e.orphansAtEnd} instance(s) still running after every group was deleted`);
  if (reasons.length === 0) {
    const x = e.exercised;
    if (x.pairsOk >= x.minimum) return { outcome: 'clean', reasons };
    reasons.push(
      `inconclusive: only ${x.pairsOk} (server, group) creation(s) had two or more successful concurrent callers, ` +
        `${x.minimum} needed (of ${x.pairs} with two or more requests): the atomicity claim was not exercised`,
    );
    return { outcome: 'inconclusive', reasons };
  }
  const atomic = claimsAtomicity(cfg.strategy);
  if (atomic) reasons.unshift(`FORBIDDEN under ${cfg.strategy} (seed ${cfg.seed}; replay with --strategy ${cfg.strategy} --seed ${cfg.seed})`);
  return { outcome: atomic ? 'forbidden' : 'leaked', reasons };
}
