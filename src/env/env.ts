import type { Clock } from './clock.js';
import type { Prng } from './prng.js';

/** What every layer gets injected instead of reaching for ambient time or randomness. */
export interface Env {
  readonly clock: Clock;
  readonly prng: Prng;
}
