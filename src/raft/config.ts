/**
 * Raft timing in ticks. The core has no clock: the host calls `tick()` once per tick, and one tick
 * stands for {@link NATS_TICK_MS} of NATS time (scaled by the host if it runs faster).
 */

/** Every timeout of the core, in ticks. Units last in names (style practice 13). */
export interface RaftTiming {
  /** Follower/candidate election timeout: uniform in [min, max], re-drawn on every reset. */
  readonly electionTimeoutMinTicks: number;
  readonly electionTimeoutMaxTicks: number;
  /** Leader heartbeat period. Must be below the election minimum or followers would time out. */
  readonly heartbeatTicks: number;
  /** `campaignSoon()` timeout ("campaign if preferred and term 0"): uniform in [min, max]. */
  readonly campaignMinTicks: number;
  readonly campaignMaxTicks: number;
  /**
   * NATS `lostQuorumInterval` (10 s), also its check period: a leader that has not heard from a
   * quorum of its group within this many ticks steps down. An orphaned leader (its peers deleted)
   * thereby becomes a follower and campaigns alone every election timeout.
   */
  readonly lostQuorumTicks: number;
}

/** One tick = 100 ms of NATS time. */
export const NATS_TICK_MS = 100;

/**
 * NATS v2.10.18 timing: election 4–9 s, heartbeat 1 s, campaign 100–800 ms; in 100 ms ticks
 * (the campaign minimum rounds up to 1 tick).
 */
export const NATS_TIMING: RaftTiming = Object.freeze({
  electionTimeoutMinTicks: 40,
  electionTimeoutMaxTicks: 90,
  heartbeatTicks: 10,
  campaignMinTicks: 1,
  campaignMaxTicks: 8,
  lostQuorumTicks: 100,
});

/** Largest value any timing field may take (about 27 hours of NATS time). */
export const TIMING_TICKS_LIMIT = 1_000_000;

function checkField(t: RaftTiming, field: keyof RaftTiming, lo: number, hi: number): void {
  const v = t[field];
  if (!Number.isInteger(v) || v < lo || v > hi) {
    throw new RangeError(`${field} must be an integer in [${lo}, ${hi}], got ${String(v)}`);
  }
}

/**
 * Throws a `RangeError` naming the first bad field and its allowed range. Checked in dependency
 * order, so each range can refer to fields already validated:
 * 2 <= electionTimeoutMinTicks <= electionTimeoutMaxTicks <= TIMING_TICKS_LIMIT,
 * 1 <= heartbeatTicks < electionTimeoutMinTicks,
 * 1 <= campaignMinTicks <= campaignMaxTicks <= electionTimeoutMaxTicks,
 * heartbeatTicks < lostQuorumTicks <= TIMING_TICKS_LIMIT.
 */
export function validateTiming(t: RaftTiming): void {
  checkField(t, 'electionTimeoutMinTicks', 2, TIMING_TICKS_LIMIT);
  checkField(t, 'electionTimeoutMaxTicks', t.electionTimeoutMinTicks, TIMING_TICKS_LIMIT);
  checkField(t, 'heartbeatTicks', 1, t.electionTimeoutMinTicks - 1);
  checkField(t, 'campaignMinTicks', 1, t.electionTimeoutMaxTicks);
  checkField(t, 'campaignMaxTicks', t.campaignMinTicks, t.electionTimeoutMaxTicks);
  checkField(t, 'lostQuorumTicks', t.heartbeatTicks + 1, TIMING_TICKS_LIMIT);
}
