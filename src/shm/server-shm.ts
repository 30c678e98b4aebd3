import { ShmError } from './errors.js';
import { FUTEX_WORDS, FutexMutex, newLockStats, type LockStats } from './futex-mutex.js';
import { IsolateLock } from './isolate-lock.js';
import { newIdSource, SharedRegistry, type RegistryOptions } from './shared-registry.js';

/** The shared memory of one modelled server, as buffers that can be posted to any thread. */
export interface ServerShmBuffers {
  readonly server: string;
  /** `s.raftNodes`. */
  readonly registry: SharedArrayBuffer;
  /** `cc.creatingRaftGroups`: in-flight markers, touched only under the server lock. */
  readonly inflight: SharedArrayBuffer;
  /** `js.mu`: futex word + holder word. */
  readonly lock: SharedArrayBuffer;
  /** Instance-id counter shared by every server of the run, so ids are unique run-wide. */
  readonly ids: SharedArrayBuffer;
}

/** One server's shared state as attached in this isolate. */
export interface ServerShm {
  readonly server: string;
  readonly registry: SharedRegistry;
  readonly inflight: SharedRegistry;
  readonly lock: IsolateLock;
  readonly lockStats: LockStats;
  /**
   * Deadlock guard (RT_WAIT_TIMEOUT): how long the server lock may go without changing hands, or a
   * reservation stay unreleased, while a creator waits on it. Waiting behind a busy lock is not bounded.
   */
  readonly waitTimeoutMs: number;
}

/** `ids` from `newIdSource()`: pass the same one to every server of a run (a fresh one if omitted). */
export function createServerShmBuffers(server: string, opts: RegistryOptions, ids: SharedArrayBuffer = newIdSource()): ServerShmBuffers {
  return {
    server,
    registry: SharedRegistry.create(opts, 0, ids).buffer,
    inflight: SharedRegistry.create(opts).buffer,
    lock: new SharedArrayBuffer(FUTEX_WORDS * 4),
    ids,
  };
}

export function attachServerShm(b: ServerShmBuffers, workerId: number, waitTimeoutMs = 30_000): ServerShm {
  if (!(b.lock instanceof SharedArrayBuffer) || b.lock.byteLength !== FUTEX_WORDS * 4) {
    throw new ShmError('RT_LAYOUT_MISMATCH', `server ${b.server}: lock buffer must be a ${FUTEX_WORDS * 4}-byte SharedArrayBuffer`);
  }
  const lockStats = newLockStats();
  return {
    server: b.server,
    registry: SharedRegistry.attach(b.registry, workerId, b.ids),
    inflight: SharedRegistry.attach(b.inflight, workerId),
    lock: new IsolateLock(new FutexMutex(new Int32Array(b.lock), 0, workerId + 1, lockStats, waitTimeoutMs)),
    lockStats,
    waitTimeoutMs,
  };
}
