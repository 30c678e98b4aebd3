import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A run's private store root on the real file system. */
export interface RunStore {
  /** Absolute path of a fresh, empty directory named `raftrace-run-*`. */
  readonly root: string;
  /** Remove the whole tree. Idempotent: later calls return the same promise. */
  cleanup(): Promise<void>;
}

/** Options for {@link createRunStore}. */
export interface RunStoreOptions {
  /** Directory to create the run dir in; defaults to `os.tmpdir()`. Must exist. */
  parentDir?: string;
}

/**
 * Create a fresh store root for one run with `mkdtemp` (unique even when several runs start at
 * once), under `os.tmpdir()` unless `parentDir` is given. Server store dirs go beneath it
 * (see `layout.ts`).
 */
export async function createRunStore(opts: RunStoreOptions = {}): Promise<RunStore> {
  const root = await mkdtemp(join(opts.parentDir ?? tmpdir(), 'raftrace-run-'));
  let done: Promise<void> | undefined;
  return {
    root,
    cleanup(): Promise<void> {
      // Memoised so concurrent or repeated cleanups share one removal; force: a missing dir is fine.
      done ??= rm(root, { recursive: true, force: true });
      return done;
    },
  };
}
