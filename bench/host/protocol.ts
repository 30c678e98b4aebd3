import type { MessagePort } from 'node:worker_threads';
import type { HostConfig, RunBuffers } from '../../src/cluster/protocol.js';
import type { TickMode } from './measure.js';

/** What a bench host worker is started with (its `workerData`). */
export interface HostBenchWorkerData {
  readonly workerId: number;
  readonly config: HostConfig;
  readonly buffers: RunBuffers;
  /** The channel to the other worker (2-worker runs), transferred with the worker's start. */
  readonly peer: MessagePort | null;
  /** The host core's tick: 'due' (timer wheel) or 'every' (the former loop over every node, for before/after). */
  readonly tickMode: TickMode;
  /** Bench-only store that keeps nothing (see null-disk.ts); overrides config.disk. */
  readonly nullDisk: boolean;
}

/** What the main thread asks a worker to do. */
export type HostBenchOp =
    /** Creates this worker's replicas of the groups g < groups with g mod waves = wave (no tick). */
  | { readonly op: 'populate'; readonly groups: number; readonly concurrency: number; readonly wave: number; readonly waves: number }
  | { readonly op: 'heap' }
  | { readonly op: 'ticks'; readonly ticks: number; readonly record: boolean }
  | { readonly op: 'leaders' }
  /** memfs only: drops the whole store volume, so a following 'heap' counts the host alone. */
  | { readonly op: 'dropStore' }
  | { readonly op: 'shutdown' };

/** Every request is answered by exactly one {@link HostBenchReply} with the same id. */
export interface HostBenchRequest {
  readonly id: number;
  readonly body: HostBenchOp;
}

/** The worker that hosts (server, group): replicas alternate between workers, so with 2 every group spans both. */
export function ownerOf(group: number, server: number, workers: number): number {
  return (group + server) % workers;
}

export interface PopulateReply {
  readonly nodes: number;
  readonly failed: number;
  readonly firstError: string;
  readonly wallMs: number;
}

export interface HeapReply {
  /** `process.memoryUsage().heapUsed` after two full GCs, in bytes. */
  readonly heapUsedBytes: number;
  /**
   * `process.memoryUsage().arrayBuffers` at the same moment (this worker's isolate): typed arrays'
   * backing stores live outside the JS heap, and the host keeps per-node tables there (park-table.ts).
   */
  readonly arrayBuffersBytes: number;
}

/** What a worker holds: its JS heap and its ArrayBuffers. */
export const heldBytes = (h: HeapReply): number => h.heapUsedBytes + h.arrayBuffersBytes;

export interface TicksReply {
  /** Wall time of each `tickAll()` call alone (I/O settling excluded), in ms; empty unless `record`. */
  readonly tickMs: readonly number[];
  /** This worker thread's CPU ms in each of those calls (see thread-cpu.ts; NaN off Linux); empty unless `record`. */
  readonly tickCpuMs: readonly number[];
  /** Wall time of the whole batch, settling and yields included, in ms. */
  readonly wallMs: number;
  /** `messagesDelivered` of the host at the end of the batch (cumulative). */
  readonly messagesDelivered: number;
  /** Wire messages this worker received from / sent to the other worker (cumulative). */
  readonly crossIn: number;
  readonly crossOut: number;
  readonly messagesDropped: number;
  /** Messages shed by the send budget (cumulative; the bench sets it high enough to be 0). */
  readonly messagesShed: number;
  /** Node ticks the core ran (cumulative): the due timers it fired, plus every node per tick in 'every' mode. */
  readonly nodesTicked: number;
  /** Node ticks and deliveries a parked node took from its record, not its objects (cumulative). */
  readonly parkedSteps: number;
  /** Wall time spent in `host.receive` for batches from the other worker (cumulative), in ms. */
  readonly receiveMs: number;
  /** Settle rounds run after ticks (each: quiesce, one yield to the event loop) and wall ms spent in them (cumulative). */
  readonly settleRounds: number;
  readonly settleMs: number;
}

export interface LeadersReply {
  readonly hosted: number;
  readonly leaders: number;
  readonly candidates: number;
  /** Highest and summed Raft term over the hosted nodes (repeated split votes show as a climbing sum). */
  readonly termMax: number;
  readonly termSum: number;
}

export type HostBenchReply =
  | { readonly id: number; readonly ok: true; readonly value: unknown }
  | { readonly id: number; readonly ok: false; readonly error: string };
