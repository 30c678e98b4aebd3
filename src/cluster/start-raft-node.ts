import { join } from 'node:path';
import type { DiskOp } from '../storage/disk.js';
import { isErrnoError, type Disk } from '../storage/disk.js';
import { decodeLogImage, WAL_BLOCK_FILE } from '../raft/log-image-codec.js';
import { decodeTermVoteLenient } from '../raft/term-vote-codec.js';
import type { LogImage, TermVote } from '../raft/types.js';

/**
 * The disk work of NATS's window, op for op, in order: from `js.mu.Unlock()` in `createRaftGroup`
 * to `registerRaftNode` at the end of `startRaftNode` (server/jetstream_cluster.go createRaftGroup
 * lines 2049–2097 and server/raft.go startRaftNode lines 346–526 @ v2.10.18; the same sequence in
 * 2.9.10, 2.10.23 and 2.10.28, and inside the in-flight window of 2.14.0). `rel` is relative to the
 * group's store dir. The six subscriptions startRaftNode makes touch no disk and are not modelled
 * as a cost. Every op goes through the `Disk`, so injected latency and faults apply per op.
 */
export const WINDOW_OPS: readonly { readonly op: DiskOp; readonly rel: string; readonly go: string }[] = [
  { op: 'mkdirp', rel: '', go: 'filestore.go newFileStoreWithCreated: os.MkdirAll(StoreDir)' },
  { op: 'writeFile', rel: '_test_', go: 'filestore.go: write-permission probe, os.CreateTemp(StoreDir, "_test_")' },
  { op: 'rm', rel: '_test_', go: 'filestore.go: os.Remove(probe)' },
  { op: 'mkdirp', rel: 'msgs', go: 'filestore.go: os.MkdirAll(msgs)' },
  { op: 'mkdirp', rel: 'obs', go: 'filestore.go: os.MkdirAll(obs)' },
  { op: 'readdir', rel: 'msgs', go: 'filestore.go recoverMsgs: list the message blocks (each one found is read: see WAL_READ_OP)' },
  { op: 'writeFile', rel: 'meta.inf', go: 'filestore.go writeStreamMeta: meta.inf' },
  { op: 'writeFile', rel: 'meta.sum', go: 'filestore.go writeStreamMeta: meta.sum' },
  { op: 'readFile', rel: 'peers.idx', go: 'jetstream_cluster.go createRaftGroup: readPeerState (missing → bootstrap)' },
  { op: 'writeFile', rel: 'peers.idx', go: 'raft.go bootstrapRaftNode: writePeerState (only when missing)' },
  { op: 'readFile', rel: 'peers.idx', go: 'raft.go startRaftNode: readPeerState' },
  { op: 'readFile', rel: 'tav.idx', go: 'raft.go startRaftNode: readTermVote (missing: term 0, no vote)' },
  { op: 'mkdirp', rel: 'snapshots', go: 'raft.go startRaftNode: os.MkdirAll(snapshots)' },
  { op: 'readdir', rel: 'snapshots', go: 'raft.go setupLastSnapshot: os.ReadDir(snapshots)' },
];

/**
 * The op a re-creation adds after `readdir msgs` when a stopped node left its WAL there: recoverMsgs
 * reads the block, and startRaftNode replays it (raft.go startRaftNode lines 437–475 @ v2.10.18,
 * after setupLastSnapshot 1122–1191; the snapshot marker travels in the same block here). A first
 * creation finds no block and does not read.
 */
export const WAL_READ_OP = { op: 'readFile', rel: `msgs/${WAL_BLOCK_FILE}`, go: 'filestore.go recoverMsgs: read a block; raft.go startRaftNode: replay it' } as const;

/** What the window read back: the restored term/vote and log (absent on a first creation). */
export interface WindowOutcome {
  readonly restored: TermVote | undefined;
  /** The WAL a stopped instance left (stop-node.ts), undefined if none or unreadable (NATS truncates a corrupt WAL). */
  readonly log: LogImage | undefined;
  /** True if peers.idx was missing and bootstrapped (a first creation). */
  readonly bootstrapped: boolean;
}

/**
 * Runs {@link WINDOW_OPS} against `dir` for instance `instanceId`. Throws on any failure NATS would
 * fail on (everything but a missing peers.idx or tav.idx).
 */
export async function runWindowOps(disk: Disk, dir: string, instanceId: number, peers: readonly string[]): Promise<WindowOutcome> {
  const probe = join(dir, `_test_${instanceId}`);
  let bootstrapped = false;
  let restored: TermVote | undefined;
  let log: LogImage | undefined;
  await disk.mkdirp(dir);
  await disk.writeFile(probe, new Uint8Array(0));
  await disk.rm(probe);
  await disk.mkdirp(join(dir, 'msgs'));
  await disk.mkdirp(join(dir, 'obs'));
  if ((await disk.readdir(join(dir, 'msgs'))).includes(WAL_BLOCK_FILE)) log = await readWal(disk, join(dir, WAL_READ_OP.rel));
  await disk.writeFile(join(dir, 'meta.inf'), META_INF);
  await disk.writeFile(join(dir, 'meta.sum'), META_SUM);
  const peersPath = join(dir, 'peers.idx');
  if ((await readIfPresent(disk, peersPath)) === undefined) {
    await disk.writeFile(peersPath, new TextEncoder().encode(peers.join('\n')));
    bootstrapped = true;
  }
  await readIfPresent(disk, peersPath);
  const tav = await readIfPresent(disk, join(dir, 'tav.idx'));
  if (tav !== undefined) restored = decodeTermVoteLenient(tav);
  await disk.mkdirp(join(dir, 'snapshots'));
  await disk.readdir(join(dir, 'snapshots'));
  return { restored, log, bootstrapped };
}

async function readWal(disk: Disk, path: string): Promise<LogImage | undefined> {
  const b = await readIfPresent(disk, path);
  if (b === undefined) return undefined;
  try {
    return decodeLogImage(b);
  } catch {
    return undefined; // raft.go: "Corrupt WAL, will truncate" — the node starts with what it can trust
  }
}

const META_INF = new TextEncoder().encode('{"name":"raft-wal","storage":"file"}');
const META_SUM = new TextEncoder().encode('0000000000000000');

async function readIfPresent(disk: Disk, path: string): Promise<Uint8Array | undefined> {
  try {
    return await disk.readFile(path);
  } catch (e) {
    if (isErrnoError(e) && e.code === 'ENOENT') return undefined;
    throw e;
  }
}
