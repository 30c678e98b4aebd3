import { cas } from './cas.js';
import { inflight } from './inflight.js';
import { locked } from './locked.js';
import { racy } from './racy.js';
import { STRATEGY_NAMES, type CreationStrategy, type StrategyName } from './strategy.js';

export const STRATEGIES: Readonly<Record<StrategyName, CreationStrategy>> = { racy, locked, inflight, cas };

/** The strategies the design calls atomic: any duplicate or leak under them is a forbidden outcome. */
export const ATOMIC_STRATEGIES: readonly StrategyName[] = ['locked', 'inflight', 'cas'];

export function strategyByName(name: string): CreationStrategy {
  if (!(STRATEGY_NAMES as readonly string[]).includes(name)) {
    throw new RangeError(`strategy must be one of ${STRATEGY_NAMES.join(', ')}; got ${JSON.stringify(name)}`);
  }
  return STRATEGIES[name as StrategyName];
}

export { STRATEGY_NAMES, type CreateOutcome, type CreateProbe, type CreateRequest, type CreationStrategy, type StrategyName } from './strategy.js';
