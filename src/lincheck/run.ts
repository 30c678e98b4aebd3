import { Prng } from '../env/prng.js';
import { RecorderPool } from './pool.js';
import { PROFILES } from './profiles.js';
import { runSession } from './session.js';

export interface LincheckOptions {
  readonly seconds: number;
  /** Fixed thread count, or undefined to draw 2–8 per session. */
  readonly threads: number | undefined;
  readonly seed: number;
  /** Seconds per session (one table, one thread count, one profile). */
  readonly sessionSeconds?: number;
  /** Bounds on the work, for runs that must cover every profile whatever the machine's speed (tests). */
  readonly sessionsMax?: number;
  readonly roundsPerSession?: number;
  readonly stop?: { requested: boolean };
  readonly onSession?: (line: string) => void;
}

export interface LincheckSummary {
  readonly histories: number;
  readonly ops: number;
  readonly violations: number;
  readonly sessions: number;
  /** Shrunk offending history of the first violation. */
  readonly violation: string | undefined;
}

/**
 * Cycles through the profiles, a fresh table and thread set per session, half the sessions with
 * pauses injected at the registry's pause points, until `seconds` have passed or a violation is
 * found. Every random choice derives from `seed`.
 */
export async function runLincheck(o: LincheckOptions): Promise<LincheckSummary> {
  const rng = new Prng(o.seed);
  const stop = o.stop ?? { requested: false };
  const end = performance.now() + o.seconds * 1000;
  const sessionMs = (o.sessionSeconds ?? 2) * 1000;
  let histories = 0;
  let ops = 0;
  let sessions = 0;
  const pool = new RecorderPool(o.threads ?? 8);
  try {
    for (let i = 0; i < (o.sessionsMax ?? Infinity) && performance.now() < end && !stop.requested; i++) {
      const profile = PROFILES[i % PROFILES.length]!;
      const threads = o.threads ?? rng.intBetween(2, 8);
      const pauseChance = Math.floor(i / PROFILES.length) % 2 === 1 ? 0.05 : 0;
      const seed = rng.nextU32();
      const r = await runSession({ pool, session: i, profile, threads, seed, pauseChance, deadlineMs: Math.min(end, performance.now() + sessionMs), roundsMax: o.roundsPerSession ?? Infinity, stop });
      sessions++;
      histories += r.histories;
      ops += r.ops;
      o.onSession?.(`session ${sessions}: ${profile.id}, ${threads} threads, pauses ${pauseChance}, ${r.rounds} rounds, ${r.ops} ops`);
      if (r.violation !== undefined) return { histories, ops, violations: 1, sessions, violation: r.violation };
    }
    return { histories, ops, violations: 0, sessions, violation: undefined };
  } finally {
    await pool.close();
  }
}
