import type { StrategyName } from '../create/strategy.js';
export type { Wire } from '../host/wire.js';
export type { WireBatch } from '../host/wire-batch.js';
import type { NatsVersion } from './nats-version.js';
import type { RaftTiming } from '../raft/config.js';
import type { LockStats } from '../shm/futex-mutex.js';
import type { RunTableBuffers } from '../shm/run-tables.js';
import type { ServerShmBuffers } from '../shm/server-shm.js';
import type { FaultyDiskConfig } from '../storage/faulty-disk.js';
import type { TavFailureCounters } from '../storage/term-vote-store.js';

/**
 * The one protocol between the main thread and host workers: tasks in, results out, as plain data.
 * Errors cross as `{ ok: false }` results, never as thrown exceptions, so a failed creation is a
 * counted outcome rather than a crashed task.
 */

/**
 * Default message budget per worker: about 3× what a 100k-node worker sends in steady state at
 * NATS's real timing, and far above the scenario's normal traffic (see messagesPerSecondMax).
 */
export const MESSAGES_PER_SECOND_MAX_DEFAULT = 200_000;

/** Everything a host needs that is the same for all workers of a run. */
export interface HostConfig {
  readonly seed: number;
  readonly servers: number;
  readonly replicas: number;
  readonly workers: number;
  /** Upper bound on group indexes in this run (sizes the shared tables). */
  readonly groupsMax: number;
  /** Real milliseconds per NATS second: 10 means NATS's 1 s heartbeat fires every 10 ms. */
  readonly timeScaleMs: number;
  readonly timing: RaftTiming;
  readonly disk: 'fs' | 'memfs';
  readonly storeRoot: string;
  readonly diskFaults: FaultyDiskConfig;
  /** Entries proposed per NATS second to each group whose leader this worker hosts. */
  readonly entriesPerSecondPerGroup: number;
  /** Share of each tick interval a worker spends busy-spinning (CPU pressure), 0..0.9. */
  readonly cpuBusyShare: number;
  /** Raft log file of this run (one per worker, suffixed), or '' for none. */
  readonly logPath: string;
  /** How long a creator may wait on a lock or reservation before the run fails. */
  readonly waitTimeoutMs: number;
  /**
   * Outgoing Raft messages a worker may send per second (token bucket, 50 ms burst); the rest are
   * shed and counted. Normal traffic stays far below it; duplicates sharing a node id can start a
   * message storm (every twin answers, every twin leads) that would otherwise exhaust the heap.
   */
  readonly messagesPerSecondMax: number;
  /** The nats-server version whose behaviour around the strategy is modelled (src/cluster/nats-version.ts). */
  readonly natsVersion: NatsVersion;
}

/** Shared memory of a run, created by the main thread and attached by every worker. */
export interface RunBuffers {
  readonly servers: readonly ServerShmBuffers[];
  /** The assignment table and hosting directory (see shm/run-tables.ts). */
  readonly tables: RunTableBuffers;
}

export type HostTask =
  | { readonly op: 'init'; readonly workerId: number; readonly config: HostConfig; readonly buffers: RunBuffers; readonly ports: readonly (MessagePortLike | null)[] }
  | { readonly op: 'create'; readonly server: number; readonly group: number; readonly strategy: StrategyName; readonly pause?: CreatePause }
  | { readonly op: 'delete'; readonly server: number; readonly group: number; readonly instanceId: number; readonly strategy: StrategyName }
  | { readonly op: 'stop'; readonly server: number; readonly group: number; readonly instanceId: number; readonly strategy: StrategyName }
  | { readonly op: 'leader'; readonly instanceId: number; readonly timeoutMs: number }
  | { readonly op: 'census' }
  | { readonly op: 'stats' }
  | { readonly op: 'crash'; readonly reason: string }
  | { readonly op: 'shutdown' };

/**
 * Forces an interleaving of `callers` concurrent creators of one (server, group): they meet at a
 * start barrier, and each builder holds its window open until the strategy's gate opens (see
 * src/create/pause.ts). The counters live in `ctl` (PAUSE_COUNTERS).
 */
export interface CreatePause {
  readonly ctl: SharedArrayBuffer;
  readonly callers: number;
  readonly timeoutMs: number;
}

/** Structural stand-in for worker_threads' MessagePort, so this module stays type-only. */
export interface MessagePortLike {
  /** `transfer`: buffers moved to the receiver, not copied (a wire batch's buffer). */
  postMessage(value: unknown, transfer?: ArrayBuffer[]): void;
  on(event: 'message', listener: (value: unknown) => void): unknown;
  close(): void;
}

export type CreateResult =
  | { readonly ok: true; readonly instanceId: number; readonly built: boolean; readonly overwrote: number; readonly waits: number; readonly latencyMs: number; readonly workerId: number }
  | { readonly ok: false; readonly error: string; readonly code: string; readonly latencyMs: number; readonly workerId: number };

export type StopResult = { readonly ok: boolean };

export type DeleteResult =
  | { readonly ok: true; readonly latencyMs: number }
  | { readonly ok: false; readonly error: string; readonly latencyMs: number };

export interface CensusEntry {
  readonly instanceId: number;
  readonly server: number;
  readonly group: number;
  readonly workerId: number;
  readonly state: 'creating' | 'running' | 'deleting';
  readonly role: 'follower' | 'candidate' | 'leader';
  readonly term: number;
  readonly commitIndex: number;
  readonly tavFailures: number;
  readonly inRegistry: boolean;
  readonly inAssignment: boolean;
}

export interface HostStats {
  readonly workerId: number;
  readonly hosted: number;
  readonly ticks: number;
  readonly tickMsMax: number;
  readonly tickMsTotal: number;
  /** Ticks that were due but ran late by more than one interval (the loop could not keep up). */
  readonly lateTicks: number;
  readonly messagesSent: number;
  readonly messagesDelivered: number;
  readonly messagesDropped: number;
  /** Messages not sent (message budget spent, see messagesPerSecondMax) or not delivered (worker overloaded). */
  readonly messagesShed: number;
  readonly entriesProposed: number;
  readonly entriesCommitted: number;
  readonly tav: TavFailureCounters;
  readonly tavWrites: number;
  /** Instances inside which a Raft invariant broke (counted once each, never fatal to the worker). */
  readonly raftSafetyViolations: number;
  readonly safetySamples: readonly string[];
  /** Leaders that met another leader of their own term and stepped down (live instances only). */
  readonly leaderConflicts: number;
  readonly locks: readonly LockStats[];
  readonly reservationWaits: number;
  readonly heapUsedBytes: number;
}

