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
  /** What ran the scenario: the worker_threads model, or a real nats-server cluster (src/target). */
  readonly target: 'worker_threads' | 'nats';
  /** The real server software the target ran (null for the model). */
  readonly server: { readonly software: 'nats-server'; readonly version: string } | null;
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
    /** null: the target cannot see instance construction (a real server). */
    readonly instancesBuilt: number | null;
    /** Instances built beyond one per (server, group). */
    readonly duplicates: number;
    readonly deletes: number;
    readonly deleteFailures: number;
    /** Instances inside which a Raft invariant broke (diverging logs after a split brain): a duplicate's doing. */
    readonly raftSafetyViolations: number | null;
    /** Leaders that met another leader of their own term and stepped down (split brain). */
    readonly leaderConflicts: number | null;
  };
  readonly leaks: {
    /** Distinct instances seen unreferenced (neither registry nor assignment) by any census during the churn. */
    readonly orphansSeenDuringRun: number;
    /** Live instances after every group was deleted, by census of what the hosts really run. */
    readonly orphansAtEnd: number;
  };
  readonly tav: {
    /** null: the target does not count successful writes (a real server logs only failures). */
    readonly writes: number | null;
    readonly enoent: number;
    readonly other: number;
    readonly transient: number;
    readonly persistent: number;
    /**
     * Measured in the observation window over orphans alone in their group. null when there is no
     * window (no orphan at end, or observeNatsSeconds 0) or no orphan stayed alone in its group for
     * the whole window: orphans of one group on several servers (what a small racy run with 2+
     * callers on every server leaves) can elect each other and fall silent, so there is no
     * campaign-failure rate to measure; their failures are still in `persistent`. Tested in
     * test/scenario/observe.test.ts; `raftrace` measures it with one forced orphan per group in
     * bench/scenario/experiments.ts (measureOrphanRate).
     */
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
  readonly messages: { readonly sent: number; readonly delivered: number; readonly dropped: number; readonly shed: number } | null;
  /** null for sections only the worker_threads model can fill (a real server exposes no lock or tick counters). */
  readonly locks: { readonly acquisitions: number; readonly contended: number; readonly waitMs: number; readonly reservationWaits: number } | null;
  readonly ticks: { readonly total: number; readonly late: number; readonly maxMs: number } | null;
  /** `exercised` is absent only in results written before it existed. */
  readonly verdict: { readonly outcome: Outcome; readonly reasons: readonly string[]; readonly exercised?: Exercised };
}

const num = { type: 'number' } as const;
const int = { type: 'integer', minimum: 0 } as const;
const intOrNull = { type: ['integer', 'null'], minimum: 0 } as const;
const orNull = (o: Record<string, unknown>): Record<string, unknown> => ({ anyOf: [o, { type: 'null' }] });
const latency = { type: 'object', required: ['n', 'p50', 'p99', 'max'], additionalProperties: false, properties: { n: int, p50: num, p99: num, max: num } } as const;
const obj = (props: Record<string, unknown>): Record<string, unknown> => ({ type: 'object', required: Object.keys(props), additionalProperties: false, properties: props });

/** JSON Schema (draft 2020-12 subset) of ScenarioResult, for consumers and for the tests. */
export const RESULT_JSON_SCHEMA = obj({
  schema: { const: RESULT_SCHEMA_ID },
  target: { enum: ['worker_threads', 'nats'] },
  server: orNull(obj({ software: { const: 'nats-server' }, version: { type: 'string' } })),
  // broken-cas: the test-only strategy (RAFTRACE_TEST_HOOKS=1); its results must validate too.
  strategy: { enum: ['racy', 'locked', 'inflight', 'cas', 'broken-cas'] },
  seed: int,
  config: { type: 'object' },
  machine: obj({ cores: int, cpuModel: { type: 'string' }, memoryGiB: num, node: { type: 'string' }, platform: { type: 'string' } }),
  startedAt: { type: 'string' },
  wallSeconds: num,
  partial: { type: 'boolean' },
  harnessFailure: { type: ['string', 'null'] },
  throughput: obj({ createsPerSec: num, deletesPerSec: num, groupsPerSec: num, churnSeconds: num }),
  latencyMs: obj({ create: latency, delete: latency }),
  counts: obj({ groupsCycled: int, createRequests: int, createFailures: int, instancesBuilt: intOrNull, duplicates: int, deletes: int, deleteFailures: int, raftSafetyViolations: intOrNull, leaderConflicts: intOrNull }),
  leaks: obj({ orphansSeenDuringRun: int, orphansAtEnd: int }),
  tav: obj({
    writes: intOrNull, enoent: int, other: int, transient: int, persistent: int,
    orphanFailuresPerNatsSecond: { type: ['number', 'null'] }, expectedOrphanFailuresPerNatsSecond: num, orphansObserved: int, observedNatsSeconds: num,
  }),
  messages: orNull(obj({ sent: int, delivered: int, dropped: int, shed: int })),
  locks: orNull(obj({ acquisitions: int, contended: int, waitMs: num, reservationWaits: int })),
  ticks: orNull(obj({ total: int, late: int, maxMs: num })),
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
