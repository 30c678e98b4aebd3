import { Prng } from '../env/prng.js';
import { replicasOf } from '../host/address.js';
import type { ScenarioConfig } from './config.js';

/** One creation request of the plan: who asks, for what, from which worker, after what delay. */
export interface PlannedCall {
  readonly server: number;
  readonly worker: number;
  /** Delay after the group's cycle starts, in ms (the k callers arrive spread over callerSpreadMs). */
  readonly delayMs: number;
}

export interface PlannedGroup {
  readonly group: number;
  readonly calls: readonly PlannedCall[];
  /** Time between the group's creation and its deletion, ms. */
  readonly lifetimeMs: number;
}

/**
 * The whole workload drawn from the seed, so every run of a seed issues the same requests whatever
 * the threads do. The k callers of one (server, group) start on distinct workers where there are
 * enough (a meta apply and a health check run on different goroutines), and wrap around to async
 * tasks of the same worker beyond that.
 *
 * Drawn lazily, group by group in plan order (the same draws as an eager plan): a run holds only
 * the groups in flight, so memory is O(concurrency × callers) and the cost per group is constant
 * (8192 groups × 3 servers × 64 callers drawn eagerly was 1.5 M objects on the main thread).
 */
export function* planGroups(cfg: ScenarioConfig): Generator<PlannedGroup, void, undefined> {
  const prng = new Prng(cfg.seed).fork('workload');
  for (let group = 0; group < cfg.groups; group++) {
    const calls: PlannedCall[] = [];
    for (const server of replicasOf(group, cfg.servers, cfg.replicas)) {
      const first = prng.intBetween(0, cfg.workers - 1);
      for (let k = 0; k < cfg.callersPerCreate; k++) {
        calls.push({ server, worker: (first + k) % cfg.workers, delayMs: prng.nextFloat() * cfg.callerSpreadMs });
      }
    }
    yield { group, calls, lifetimeMs: prng.nextFloat() * cfg.groupLifetimeMs };
  }
}

/** The whole plan at once (tests, small runs): exactly what planGroups yields. */
export function planWorkload(cfg: ScenarioConfig): PlannedGroup[] {
  return [...planGroups(cfg)];
}
