import { testHooksEnabled } from '../env/test-hooks.js';
import { brokenCas } from './broken-cas.js';
import { cas } from './cas.js';
import { inflight } from './inflight.js';
import { locked } from './locked.js';
import { racy } from './racy.js';
import { STRATEGY_NAMES, TEST_STRATEGY_NAMES, type CreationStrategy, type StrategyName } from './strategy.js';

export const STRATEGIES: Readonly<Record<StrategyName, CreationStrategy>> = { racy, locked, inflight, cas, 'broken-cas': brokenCas };

/** The public strategies the design calls atomic: any duplicate or leak under them is a forbidden outcome. */
export const ATOMIC_STRATEGIES: readonly StrategyName[] = ['locked', 'inflight', 'cas'];

/**
 * True if a duplicate or leak under `name` is a forbidden outcome: the atomic strategies, and the
 * test-only `broken-cas`, which claims to be one (that is the point of it).
 */
export function claimsAtomicity(name: StrategyName): boolean {
  return ATOMIC_STRATEGIES.includes(name) || name === 'broken-cas';
}

/** True if `name` may be used here: a public strategy, or a test strategy with the test hooks on. */
export function isAllowedStrategy(name: unknown): name is StrategyName {
  return (STRATEGY_NAMES as readonly unknown[]).includes(name) || (testHooksEnabled() && (TEST_STRATEGY_NAMES as readonly unknown[]).includes(name));
}

export function strategyByName(name: string): CreationStrategy {
  if (!isAllowedStrategy(name)) {
    throw new RangeError(`strategy must be one of ${STRATEGY_NAMES.join(', ')}; got ${JSON.stringify(name)}`);
  }
  return STRATEGIES[name];
}

export { STRATEGY_NAMES, TEST_STRATEGY_NAMES, type CreateOutcome, type CreateProbe, type CreateRequest, type CreationStrategy, type StrategyName } from './strategy.js';
