export { ShmError, type ShmErrorCode } from './errors.js';
export { FutexMutex, FUTEX_WORDS, newLockStats, type LockStats } from './futex-mutex.js';
export { IsolateLock } from './isolate-lock.js';
export { DEFAULT_NAME_BYTES_MAX, NameCodec } from './name-codec.js';
export { newIdSource, SharedRegistry, type RegistryEntry, type RegistryOptions, type RegistrySnapshotEntry, type ReserveResult } from './shared-registry.js';
export { attachServerShm, createServerShmBuffers, type ServerShm, type ServerShmBuffers } from './server-shm.js';
export { SharedCounters } from './sync-primitives.js';
export { SharedIntTable } from './shared-int-table.js';
