import type { StrategyName } from './strategy.js';

/**
 * Shared-memory pause points for forcing an interleaving of creators across threads. Every
 * creator bumps `atCheck` before its existence check and `parked` before parking; a builder bumps
 * `built` on entering the window and then waits until `gate` reaches its target. Counters, not
 * flags, so no wake-up is lost.
 */
export const PAUSE_COUNTERS = ['arrived', 'atCheck', 'built', 'parked', 'assignment'] as const;
export type PauseCounter = (typeof PAUSE_COUNTERS)[number];

/**
 * The gate that makes the interleaving a test wants certain for `callers` concurrent creators of
 * one name: racy — every caller has entered the window (all passed the check, so all build);
 * locked — every caller is at the lock; inflight/cas — every other caller is parked on the winner.
 */
export function forcedGate(strategy: StrategyName, callers: number): readonly [PauseCounter, number] {
  if (strategy === 'racy' || strategy === 'broken-cas') return ['built', callers];
  if (strategy === 'locked') return ['atCheck', callers];
  return ['parked', callers - 1];
}
