import { SharedClock } from '../shm/shared-clock.js';
import { SharedRegistry } from '../shm/shared-registry.js';
import { SharedCounters } from '../shm/sync-primitives.js';
import { checkRound, stateOf } from './check-round.js';
import { decodeOps, REC_WORDS } from './history.js';
import { ABSENT } from './model.js';
import type { RecorderPool } from './pool.js';
import type { Profile } from './profiles.js';
import { CTL_COUNTERS, ROUND_TIMEOUT_MS, type WorkerPlan } from './worker-plan.js';

export interface SessionOptions {
  readonly pool: RecorderPool;
  readonly session: number;
  readonly profile: Profile;
  readonly threads: number;
  readonly seed: number;
  readonly pauseChance: number;
  /** Stop opening rounds at this performance.now(), or after `roundsMax` rounds. */
  readonly deadlineMs: number;
  readonly roundsMax: number;
  /** Set to true from outside (Ctrl-C) to stop after the current round. */
  readonly stop: { requested: boolean };
}

export interface SessionResult {
  readonly rounds: number;
  readonly histories: number;
  readonly ops: number;
  readonly violation: string | undefined;
}

/**
 * One table, `threads` recorder threads, rounds until the deadline: open a round, wait for every
 * thread, snapshot the quiescent table, check the round's history. Threads are told to stop on every exit
 * path and awaited.
 */
export async function runSession(o: SessionOptions): Promise<SessionResult> {
  const { profile } = o;
  const reg = SharedRegistry.create({ capacity: profile.capacity }, o.threads);
  const ctl = new SharedCounters(CTL_COUNTERS);
  const clock = new SharedClock();
  const perThread = profile.opsPerThread * REC_WORDS;
  const log = new SharedArrayBuffer(o.threads * perThread * 4);
  const logWords = new Int32Array(log);
  const plans: WorkerPlan[] = Array.from({ length: o.threads }, (_, t) => ({
    session: o.session,
    profile: profile.id,
    registry: reg.buffer,
    ctl: ctl.buffer,
    clock: clock.buffer,
    log,
    thread: t,
    seed: (o.seed + t * 0x9e3779b9) >>> 0,
    pauseChance: o.pauseChance,
  }));
  const ended = o.pool.start(plans);
  const failed = ended.then(() => {
    throw new Error('lincheck: recorder threads ended before they were told to stop');
  });
  failed.catch(() => undefined); // observed through the races below
  let initial: number[] | undefined;
  let rounds = 0;
  let histories = 0;
  let ops = 0;
  try {
    for (let round = 1; round <= o.roundsMax && performance.now() < o.deadlineMs && !o.stop.requested; round++) {
      const names = profile.names(round);
      initial ??= names.map(() => ABSENT);
      clock.reset();
      ctl.set('round', round);
      await Promise.race([ctl.waitAtLeast('done', o.threads * round, ROUND_TIMEOUT_MS), failed]);
      const final = new Map(reg.snapshot().map((e) => [e.name, { state: e.state, instanceId: e.instanceId }]));
      const recorded = [];
      for (let t = 0; t < o.threads; t++) recorded.push(...decodeOps(logWords.subarray(t * perThread, (t + 1) * perThread), profile.opsPerThread));
      const v = checkRound({ profile, names, initial, ops: recorded, final });
      rounds++;
      histories += v.histories;
      ops += recorded.length;
      if (v.violation !== undefined) return { rounds, histories, ops, violation: `profile ${profile.id}, ${o.threads} threads, thread seed base ${o.seed}, round ${round}: ${v.violation}` };
      if (profile.cleanupEachRound) {
        for (const name of final.keys()) reg.unregisterByName(name);
        initial = undefined;
      } else {
        const next = profile.names(round + 1);
        initial = next.map((n) => stateOf(final.get(n)));
      }
    }
    return { rounds, histories, ops, violation: undefined };
  } finally {
    ctl.set('stop', 1);
    ctl.add('round', 1 << 20);
    await ended;
  }
}
