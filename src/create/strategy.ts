import type { ServerShm } from '../shm/server-shm.js';

/** The public strategies: listed in --help, run by the bench and the soak. */
export const STRATEGY_NAMES = ['racy', 'locked', 'inflight', 'cas'] as const;
/**
 * Strategies that exist for the test suite only, accepted only with `RAFTRACE_TEST_HOOKS=1`
 * (see src/env/test-hooks.ts) and never listed: `broken-cas` claims atomicity but races.
 */
export const TEST_STRATEGY_NAMES = ['broken-cas'] as const;
export type StrategyName = (typeof STRATEGY_NAMES)[number] | (typeof TEST_STRATEGY_NAMES)[number];

/** One request to make sure a Raft group has a node on one server (NATS `createRaftGroup`). */
export interface CreateRequest {
  readonly group: string;
  /**
   * The slow part between the existence check and the registration: store directory, peers.idx,
   * starting the node. It is awaited, so other creators run while it is pending. Throws on failure.
   */
  build(instanceId: number): Promise<void>;
  /** `rg.node = n`: points the assignment at the resolved instance. Idempotent. */
  assign(instanceId: number): void;
  /** Injected pause points, for tests that force an interleaving. */
  readonly probe?: CreateProbe;
}

/**
 * Points a test can observe or hold. Each is called synchronously right before the step it names;
 * together with a gate inside `build` they make an interleaving certain instead of likely.
 */
export interface CreateProbe {
  /** Right before the existence check (or the lock acquisition that guards it). */
  beforeCheck?(): void;
  /** Right before parking on an in-flight marker or a reservation held by another creator. */
  beforePark?(): void;
}

export interface CreateOutcome {
  /** The instance this caller resolved to (NATS returns the node for the same reason: identity checks). */
  readonly instanceId: number;
  /** True if this caller built the instance (false: it found one or waited for one). */
  readonly built: boolean;
  /** Instance id this caller's registration overwrote (racy family only); 0 if none. */
  readonly overwrote: number;
  /** Times this caller parked on an in-flight marker or reservation. */
  readonly waits: number;
}

/** A way of creating Raft groups; one file each, readable next to the NATS code it models. */
export interface CreationStrategy {
  readonly name: StrategyName;
  create(server: ServerShm, req: CreateRequest): Promise<CreateOutcome>;
  /** The delete path's unregister rule for an instance the assignment referenced. */
  unregister(server: ServerShm, group: string, instanceId: number): void;
}

export const found = (instanceId: number, waits = 0): CreateOutcome => ({ instanceId, built: false, overwrote: 0, waits });
