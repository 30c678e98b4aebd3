import type { Disk } from '../storage/disk.js';
import type { SimConfig } from './config.js';
import { Execution, type RunResult } from './execution.js';
import type { Observe } from './world.js';

/**
 * Picks the next thread among the enabled ones (ascending ids; at a find pause: the running thread
 * first, meaning continue, then the threads whose atomic action may run there); `step` counts from 0.
 * The array is only lent for the call (Execution.run refills one array per step): keep no reference.
 */
export type Chooser = (enabled: readonly number[], step: number) => number;

/** A run longer than this is a livelock (a creator retrying forever), reported as an error. */
export const STEPS_MAX = 5_000;

/** Runs one schedule to its end. */
export async function runSchedule(cfg: SimConfig, disk: Disk, choose: Chooser, observe: Observe): Promise<RunResult> {
  const ex = await Execution.start(cfg, disk, observe);
  if (cfg.findPauses === true) {
    // A pause's choice is one more entry of the schedule: the running thread's id means "continue".
    ex.world.sched.pauseChooser = (candidates) => {
      const pick = choose(candidates, ex.schedule.length);
      ex.schedule.push(pick);
      return pick;
    };
  }
  try {
    if (!(await ex.run(choose, STEPS_MAX))) {
      const r = ex.result();
      return { ...r, verdict: { ...r.verdict, error: `no end after ${STEPS_MAX} steps (livelock)` } };
    }
    return ex.result();
  } finally {
    ex.close();
  }
}

/** Follows `threads` (skipping a listed thread that cannot run then), then the lowest enabled thread. */
export function replayChooser(threads: readonly number[]): Chooser {
  let pos = 0;
  return (enabled) => {
    while (pos < threads.length && !enabled.includes(threads[pos]!)) pos++;
    return pos < threads.length ? threads[pos++]! : enabled[0]!;
  };
}

export function replay(cfg: SimConfig, disk: Disk, threads: readonly number[], observe: Observe): Promise<RunResult> {
  return runSchedule(cfg, disk, replayChooser(threads), observe);
}
