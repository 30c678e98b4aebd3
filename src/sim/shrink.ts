import type { Disk } from '../storage/disk.js';
import type { SimConfig } from './config.js';
import type { Verdict } from './execution.js';
import { replay } from './run.js';

export const FAILURE_KINDS = ['leak', 'duplicate', 'split', 'safety', 'deadlock', 'error'] as const;
export type FailureKind = (typeof FAILURE_KINDS)[number];

export function kindsOf(v: Verdict): FailureKind[] {
  return FAILURE_KINDS.filter((k) => (k === 'error' ? v.error !== null : v[k]));
}

/**
 * The shortest list of thread ids we can find whose replay (listed threads first, then always the
 * lowest enabled one) still shows the same primary failure: drop ever smaller chunks, from the end
 * first (ddmin without complements). Bounded by `replaysMax` replays.
 */
export async function shrink(cfg: SimConfig, disk: Disk, schedule: readonly number[], v: Verdict, replaysMax = 600): Promise<number[]> {
  const kind = kindsOf(v)[0];
  if (!kind) return [...schedule];
  let replays = 0;
  const stillFails = async (s: readonly number[]): Promise<boolean> => {
    replays++;
    return kindsOf((await replay(cfg, disk, s, 'none')).verdict).includes(kind);
  };
  let best = [...schedule];
  for (let chunk = Math.max(1, best.length >> 1); chunk >= 1 && replays < replaysMax; chunk >>= 1) {
    for (let i = best.length - chunk; i >= 0 && replays < replaysMax; i--) {
      const cand = [...best.slice(0, i), ...best.slice(i + chunk)];
      if (await stillFails(cand)) {
        best = cand;
        i = Math.min(i, best.length - chunk + 1);
      }
    }
    if (chunk === 1) break;
  }
  return best;
}
