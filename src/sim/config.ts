import { STRATEGY_NAMES, type StrategyName } from '../create/strategy.js';
import { replicasOf } from '../host/address.js';

/** What one simulated world holds. Small on purpose: exhaustive exploration is exponential. */
export interface SimConfig {
  readonly strategy: StrategyName;
  readonly servers: number;
  /** Replicas per group (R): the group has a node on R consecutive servers. */
  readonly replicas: number;
  readonly groups: number;
  /** Concurrent createRaftGroup calls per (server, group); caller 0 is the meta apply. */
  readonly callers: number;
  /** Caller 0 (the meta apply) deletes the group after creating it, while the others may still run. */
  readonly withDelete: boolean;
  /** Raft: ticks of simulated time (one scheduling step each) the instances run; 0: no Raft nodes. */
  readonly raftTicks: number;
  /**
   * Pause every caller's registry lookups inside SharedRegistry.find(), between the key validation
   * and the STATE read (its `beforeStateReread` hook), where other threads' atomic steps may run:
   * the delete's unregister, and a churn thread per server that creates and removes another name
   * whose home slot is a group's (so it can take that group's freed slot: the re-keying window of
   * registry issue #7). Random and pct only. Default false.
   */
  readonly findPauses?: boolean;
}

/** Limits, checked at construction, each named in its error. */
export const SIM_LIMITS = { servers: 5, groups: 8, callers: 8, threads: 48, raftTicks: 10_000 } as const;

/** A field of SimConfig that is out of range: `field` and the allowed values, for one-line errors. */
export class SimConfigError extends RangeError {
  constructor(
    readonly field: keyof SimConfig,
    readonly allowed: string,
    readonly got: unknown,
  ) {
    super(`${field}: must be ${allowed}; got ${JSON.stringify(got)}`);
  }
}

export function validateSimConfig(c: SimConfig): SimConfig {
  if (!(STRATEGY_NAMES as readonly string[]).includes(c.strategy)) throw new SimConfigError('strategy', `one of ${STRATEGY_NAMES.join(', ')}`, c.strategy);
  const int = (f: 'servers' | 'groups' | 'callers' | 'replicas', lo: number, hi: number): void => {
    const v = c[f];
    if (!Number.isInteger(v) || v < lo || v > hi) throw new SimConfigError(f, `an integer in [${lo}, ${hi}]`, v);
  };
  int('servers', 1, SIM_LIMITS.servers);
  int('replicas', 1, c.servers);
  int('groups', 1, SIM_LIMITS.groups);
  int('callers', 1, SIM_LIMITS.callers);
  if (!Number.isInteger(c.raftTicks) || c.raftTicks < 0 || c.raftTicks > SIM_LIMITS.raftTicks) throw new SimConfigError('raftTicks', `an integer in [0, ${SIM_LIMITS.raftTicks}]`, c.raftTicks);
  const threads = c.groups * c.replicas * c.callers;
  if (threads > SIM_LIMITS.threads) throw new SimConfigError('callers', `such that groups × replicas × callers ≤ ${SIM_LIMITS.threads}`, c.callers);
  return c;
}

/** One logical thread: a createRaftGroup caller for (server, group). */
export interface ThreadRole {
  readonly server: number;
  readonly group: number;
  readonly caller: number;
  /** `S0/g1/c2` */
  readonly name: string;
}

/** Threads in id order: by group, then replica server, then caller. The order explorers index. */
export function threadRoles(c: SimConfig): ThreadRole[] {
  const out: ThreadRole[] = [];
  for (let group = 0; group < c.groups; group++) {
    for (const server of replicasOf(group, c.servers, c.replicas)) {
      for (let caller = 0; caller < c.callers; caller++) out.push({ server, group, caller, name: `S${server}/g${group}/c${caller}` });
    }
  }
  return out;
}

/** What a caller is in NATS's terms (caller 0 applies the assignment; the others are the paths that raced it). */
export function callerRole(caller: number): string {
  return caller === 0 ? 'meta apply' : caller % 2 === 1 ? 'health check' : 'stream reset';
}

/** Logical threads of a world, in id order: its callers, one churn thread per server with find pauses, the Raft clock when Raft runs. */
export const threadCount = (c: SimConfig): number => c.groups * c.replicas * c.callers + (c.findPauses === true ? c.servers : 0) + (c.raftTicks > 0 ? 1 : 0);
