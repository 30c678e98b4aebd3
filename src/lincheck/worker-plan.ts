/** What one lincheck thread is given (workerData). */
export interface WorkerPlan {
  /** Which session of the pool this plan belongs to. */
  readonly session: number;
  readonly profile: string;
  readonly registry: SharedArrayBuffer;
  readonly ctl: SharedArrayBuffer;
  readonly clock: SharedArrayBuffer;
  readonly log: SharedArrayBuffer;
  readonly thread: number;
  readonly seed: number;
  /** Spin at the registry's pause points with this probability (widens race windows). */
  readonly pauseChance: number;
}

export const CTL_COUNTERS = ['round', 'done', 'stop'] as const;
/** How long a thread or the driver waits for the other side of a round barrier before failing. */
export const ROUND_TIMEOUT_MS = 60_000;
