import type { StrategyName } from '../create/strategy.js';
import type { ScenarioConfig } from './config.js';
import type { MachineFacts } from './machine.js';

export const RESULT_SCHEMA_ID = 'raftrace.result/1';

export interface LatencySummaryMs {
  readonly n: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
}

/**
 * The verdict of one run. `forbidden`: a duplicate or a leak under an atomic strategy — fails any
 * run, test or gate whatever the timings. `leaked`: the racy strategy showed the bug (expected).
 * `clean`: no duplicate and no leak, and the claim was exercised (see verdict.ts for the minimum).
 * `inconclusive`: no duplicate and no leak, but too few contended creations succeeded to say so.
 */
export type Outcome = 'clean' | 'leaked' | 'forbidden' | 'inconclusive';

/** How far a run exercised the atomicity claim (verdict.ts defines the minimum). */
export interface Exercised {
  /** (server, group)s with two or more completed creation requests. */
  readonly pairs: number;
  /** Of those, the ones where two or more requests succeeded. */
  readonly pairsOk: number;
  /** pairsOk needed for `clean`. */
  readonly minimum: number;
}

/**
 * One run's measurements. Versioned by `schema`; a target other than worker_threads (a real NATS
 * cluster) fills the same fields, so nothing here names a thread or a SharedArrayBuffer.
 */
export interface ScenarioResult {
  readonly schema: typeof RESULT_SCHEMA_ID;
  readonly target: 'worker_threads';
  readonly strategy: StrategyName;
  readonly seed: number;
  readonly config: ScenarioConfig;
  readonly machine: MachineFacts;
  readonly startedAt: string;
  readonly wallSeconds: number;
  /** True if the run was interrupted (Ctrl-C) or a harness failure ended it early. */
  readonly partial: boolean;
  readonly harnessFailure: string | null;
  readonly throughput: {
    /** (server, group) creation requests completed per second of the churn (of the creation phase alone with deletePhase 'after'). */
    readonly createsPerSec: number;
    /** Instance deletes completed per second of the churn (of the deletion phase alone with deletePhase 'after'). */
    readonly deletesPerSec: number;
    /** Whole group create→delete cycles per second. */
    readonly groupsPerSec: number;
    readonly churnSeconds: number;
  };
  readonly latencyMs: { readonly create: LatencySummaryMs; readonly delete: LatencySummaryMs };
  readonly counts: {
    readonly groupsCycled: number;
    readonly createRequests: number;
    readonly createFailures: number;
    readonly instancesBuilt: number;
    /** Instances built beyond one per (server, group). */
    readonly duplicates: number;
    readonly deletes: number;
    readonly deleteFailures: number;
    /** Instances inside which a Raft invariant broke (diverging logs after a split brain): a duplicate's doing. */
    readonly raftSafetyViolations: number;
    /** Leaders that met another leader of their own term and stepped down (split brain). */
    readonly leaderConflicts: number;
  };
  readonly leaks: {
    /** Distinct instances seen unreferenced (neither registry nor assignment) by any census during the churn. */
    readonly orphansSeenDuringRun: number;
    /** Live instances after every group was deleted, by census of what the hosts really run. */
    readonly orphansAtEnd: number;
  };
  readonly tav: {
    readonly writes: number;
    readonly enoent: number;
    readonly other: number;
    readonly transient: number;
    readonly persistent: number;
    /** Measured in the observation window over orphans alone in their group (null if none). */
    readonly orphanFailuresPerNatsSecond: number | null;
    /** What NATS's timing implies: 2 writes per campaign, one campaign per mean election timeout. */
    readonly expectedOrphanFailuresPerNatsSecond: number;
    readonly orphansObserved: number;
    readonly observedNatsSeconds: number;
  };
  /**
   * sent: messages routed to at least one instance; delivered: one per receiving instance, so
   * duplicates of one (server, group) each get a copy and delivered can exceed sent; dropped:
   * addressed to a (server, group) with no live instance; shed: not sent or not delivered because a
   * worker's message budget was spent or it was overloaded (a duplicates' message storm).
   */
  readonly messages: { readonly sent: number; readonly delivered: number; readonly dropped: number; readonly shed: number };
  readonly locks: { readonly acquisitions: number; readonly contended: number; readonly waitMs: number; readonly reservationWaits: number };
  readonly ticks: { readonly total: number; readonly late: number; readonly maxMs: number };
  /** `exercised` is absent only in results written before it existed. */
  readonly verdict: { readonly outcome: Outcome; readonly reasons: readonly string[]; readonly exercised?: Exercised };
}

const num = { type: 'number' } as const;
const int = { type: 'integer', minimum: 0 } as const;
const latency = { type: 'object', required: ['n', 'p50', 'p99', 'max'], additionalProperties: false, properties: { n: int, p50: num, p99: num, max: num } } as const;
const obj = (props: Record<string, unknown>): Record<string, unknown> => ({ type: 'object', required: Object.keys(props), additionalProperties: false, properties: props });

/** JSON Schema (draft 2020-12 subset) of ScenarioResult, for consumers and for the tests. */
export const RESULT_JSON_SCHEMA = obj({
  schema: { const: RESULT_SCHEMA_ID },
  target: { enum: ['worker_threads', 'nats-cluster'] },
  strategy: { enum: ['racy', 'locked', 'inflight', 'cas'] },
  seed: int,
  config: { type: 'object' },
  machine: obj({ cores: int, cpuModel: { type: 'string' }, memoryGiB: num, node: { type: 'string' }, platform: { type: 'string' } }),
  startedAt: { type: 'string' },
  wallSeconds: num,
  partial: { type: 'boolean' },
  harnessFailure: { type: ['string', 'null'] },
  throughput: obj({ createsPerSec: num, deletesPerSec: num, groupsPerSec: num, churnSeconds: num }),
  latencyMs: obj({ create: latency, delete: latency }),
  counts: obj({ groupsCycled: int, createRequests: int, createFailures: int, instancesBuilt: int, duplicates: int, deletes: int, deleteFailures: int, raftSafetyViolations: int, leaderConflicts: int }),
  leaks: obj({ orphansSeenDuringRun: int, orphansAtEnd: int }),
  tav: obj({
    writes: int, enoent: int, other: int, transient: int, persistent: int,
    orphanFailuresPerNatsSecond: { type: ['number', 'null'] }, expectedOrphanFailuresPerNatsSecond: num, orphansObserved: int, observedNatsSeconds: num,
  }),
  messages: obj({ sent: int, delivered: int, dropped: int, shed: int }),
  locks: obj({ acquisitions: int, contended: int, waitMs: num, reservationWaits: int }),
  ticks: obj({ total: int, late: int, maxMs: num }),
  verdict: {
    type: 'object',
    required: ['outcome', 'reasons'],
    additionalProperties: false,
    properties: {
      outcome: { enum: ['clean', 'leaked', 'forbidden', 'inconclusive'] },
      reasons: { type: 'array', items: { type: 'string' } },
      exercised: obj({ pairs: int, pairsOk: int, minimum: int }),
    },
  },
});
