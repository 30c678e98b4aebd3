import type { StrategyName } from '../../create/strategy.js';

/** `2.9.10` → [2, 9, 10]; null if it is not a dotted version. */
export function parseVersion(v: string): [number, number, number] | null {
  const m = /^v?(\d+)\.(\d+)\.(\d+)/.exec(v);
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : null;
}

function atLeast(v: readonly number[], w: readonly number[]): boolean {
  for (let i = 0; i < 3; i++) if (v[i]! !== w[i]!) return v[i]! > w[i]!;
  return true;
}

/**
 * The creation path a nats-server version runs, in raftrace's strategy names (reference
 * nats-race.md, "The fixes, in order"): ≤ 2.9.2 locked; 2.9.3 (PR #3519) to 2.10.27 racy, and
 * 2.11.0–2.11.1; 2.10.28 / 2.11.2 (PR #6732) locked; 2.12.9 / 2.14.0 (PR #8087) inflight.
 * A real server's strategy is its version's, never a flag's.
 */
export function strategyOfVersion(version: string): StrategyName | null {
  const v = parseVersion(version);
  if (v === null) return null;
  if (!atLeast(v, [2, 9, 3])) return 'locked';
  if (atLeast(v, [2, 12, 9])) return 'inflight';
  if (atLeast(v, [2, 11, 2])) return 'locked';
  if (atLeast(v, [2, 11, 0])) return 'racy';
  if (atLeast(v, [2, 10, 28])) return 'locked';
  return 'racy';
}
