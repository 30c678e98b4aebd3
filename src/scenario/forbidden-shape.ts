import type { ScenarioConfig } from './config.js';

/**
 * A run shape in which the test-only `broken-cas` strategy duplicates for certain rather than by
 * luck: the 3 callers of each (server, group) are issued in the same tick (spread 0) while every
 * disk operation of the build takes 25 ms, so the first caller's check-to-register window lasts
 * ≥ 50 ms; the others reach their check within the time a message takes to cross to a worker. All
 * 12 (server, group) pairs must miss that window for a run of this shape to come out clean. Used by
 * the tests and by the gate's `churn.broken-cas` hook benchmark (forbidden end to end). The link
 * "broken-cas makes a duplicate" itself is proven with a forced interleaving in
 * test/create/broken-cas.test.ts; this shape proves wiring.
 */
export const FORBIDDEN_RUN = {
  groups: 4, concurrency: 4, workers: 2, callersPerCreate: 3, callerSpreadMs: 0, diskLatencyMinMs: 25, diskLatencyMaxMs: 25,
  timeScaleMs: 2, observeNatsSeconds: 0, groupLifetimeMs: 0, seed: 17,
} as const satisfies Partial<ScenarioConfig>;
