import { Prng } from '../../env/prng.js';
import type { ScenarioConfig } from '../../scenario/config.js';

/** The knobs of the churn that apply to a real cluster (the model's alone — workers, disk, time scale — do not). */
export type NatsChurnKnobs = Pick<ScenarioConfig, 'seed' | 'replicas' | 'groups' | 'concurrency' | 'callersPerCreate' | 'callerSpreadMs' | 'groupLifetimeMs' | 'deletePhase' | 'entriesPerSecondPerGroup'>;

/** One group of the real cluster: a durable R-replica consumer, created by k clients at once. */
export interface NatsPlannedGroup {
  readonly index: number;
  readonly consumer: string;
  /** Per caller (client k), its delay after the group's cycle starts, ms. */
  readonly callerDelaysMs: readonly number[];
  readonly lifetimeMs: number;
}

/**
 * The whole workload from the seed, before anything runs (same seed, same requests). On a real
 * server a consumer create is one API request for the group on all its R servers, so the k
 * callers are k clients asking for the same durable consumer, not k requests per server.
 */
export function planNatsWorkload(k: NatsChurnKnobs): NatsPlannedGroup[] {
  const prng = new Prng(k.seed).fork('nats-workload');
  return Array.from({ length: k.groups }, (_, index) => ({
    index,
    consumer: `rt-${k.seed}-${index}`,
    callerDelaysMs: Array.from({ length: k.callersPerCreate }, () => prng.nextFloat() * k.callerSpreadMs),
    lifetimeMs: prng.nextFloat() * k.groupLifetimeMs,
  }));
}
