import type { Clock } from '../env/clock.js';
import type { HostedNode, TermVoteWriter } from '../host/hosted-node.js';
import { encodeTermVote } from '../raft/term-vote-codec.js';
import { isErrnoError, type Disk } from '../storage/disk.js';
import type { RaftLogSink } from '../storage/raft-log.js';
import { StatementRateLimiter, TermVoteStore, type TavFailureCounters } from '../storage/term-vote-store.js';
import type { VersionProfile } from './nats-version.js';

export interface TermVoteFileDeps {
  /** The version's tav disk: for 'atomic-skip', `atomicRenameDisk(disk)`, made once per server model, not per node. */
  readonly disk: Disk;
  readonly clock: Clock;
  readonly log: RaftLogSink;
  readonly counters: TavFailureCounters;
  /** NATS keeps one rate-limit map per server: duplicates of one (server, group) share a limit. */
  readonly limiter: StatementRateLimiter;
  readonly timeScaleMs: number;
}

/**
 * `tav.idx` as each version writes it (raft.go `writeTermVote`):
 * - 2.9.10 ('async-16'): a writer goroutine writes the full 16-byte image on every change, and
 *   logs a failure whether or not the node is being deleted.
 * - 2.10.18 ('inline-skip', raft.go:3877–3896): `8-byte LE term + vote` (8 bytes with no vote),
 *   skipped when equal to the last bytes written (`n.wtv`), which a failure clears; a Closed
 *   node's failure is not logged (3890) and sets no write-error state (3833).
 * - from #5848 (2.11, here 2.14.0, 'atomic-skip'): the same bytes through a temp file, renamed
 *   over tav.idx; two disk operations per write.
 * A non-ENOENT failure of a live node sets NATS's write-error state (`Critical write error`):
 * from then on the host drops its append entries (raft.go:3159).
 */
export class TermVoteFile implements TermVoteWriter {
  private readonly store: TermVoteStore;

  constructor(
    private readonly n: HostedNode,
    path: string,
    private readonly group: string,
    private readonly profile: VersionProfile,
    private readonly deps: TermVoteFileDeps,
  ) {
    this.store = new TermVoteStore({
      disk: deps.disk,
      path,
      nodeId: n.raft.id,
      group,
      clock: deps.clock,
      timeScale: deps.timeScaleMs,
      // At failure time: a node being deleted (Closed) fails transiently; a running one is an orphan.
      classify: () => (n.state === 'deleting' ? 'transient' : 'persistent'),
      counters: deps.counters,
      log: deps.log,
      warnLimiter: deps.limiter,
      logs: (cls) => cls === 'persistent' || profile.logsClosedWriteFailure,
      onError: (e, cls) => this.onError(e, cls),
    });
  }

  async write(term: number, vote: string): Promise<boolean> {
    const full = encodeTermVote({ term, vote });
    if (this.profile.tavWriter === 'async-16') return this.store.write(full);
    // n.wtv: unchanged, not written. Kept on the node (the host makes a writer per persist and drops it).
    const n = this.n;
    if (n.tavLastTerm === term && n.tavLastVote === vote) return true;
    const ok = await this.store.write(full.subarray(0, 8 + vote.length));
    // wtv is stamped before the write; a failure clears it (the next write goes to disk) unless
    // the node is Closed (raft.go:3885–3893 @ v2.10.18: `err != nil && !n.isClosed()`).
    n.tavLastTerm = ok || n.state === 'deleting' ? term : -1;
    n.tavLastVote = vote;
    return ok;
  }

  private onError(e: unknown, cls: 'transient' | 'persistent'): void {
    if (cls === 'transient') return; // setWriteErrLocked returns for a Closed node (raft.go:3833)
    if (isErrnoError(e) && e.code === 'ENOENT') return; // "Resource not found": logged, no write-error state
    if (this.n.writeError !== null) return;
    this.n.writeError = isErrnoError(e) && typeof e.code === 'string' ? e.code : 'ERROR';
    this.deps.log.line('ERR', `RAFT [${this.n.raft.id} - ${this.group}] Critical write error: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** A disk whose writeFile is temp file + rename (the #5848 writer): two operations, each through the disk. */
export function atomicRenameDisk(d: Disk): Disk {
  return {
    kind: d.kind,
    mkdirp: (p) => d.mkdirp(p),
    writeFile: async (p, data) => {
      const tmp = `${p}.tmp`;
      await d.writeFile(tmp, data);
      await d.rename(tmp, p);
    },
    readFile: (p) => d.readFile(p),
    rm: (p) => d.rm(p),
    rename: (a, b) => d.rename(a, b),
    exists: (p) => d.exists(p),
    readdir: (p) => d.readdir(p),
  };
}
