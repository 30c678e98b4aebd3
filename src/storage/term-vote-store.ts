import type { Clock } from '../env/clock.js';
import { goErrorText, isErrnoError, type Disk } from './disk.js';
import type { RaftLogSink } from './raft-log.js';

/**
 * Write-failure counters for `tav.idx`, a plain object so a host can sum many stores' counters.
 * Invariants: `enoent + other === transient + persistent` (every failure has one cause and one
 * class) and `warnLogged + warnSuppressed + unlogged === enoent + other` (every failure has one
 * log decision).
 */
export interface TavFailureCounters {
  /** Failures whose code was ENOENT (the directory was removed: #5824). */
  enoent: number;
  /** Failures with any other error. */
  other: number;
  /** Failures while the node itself was being deleted (what a healthy 2.9.10 cluster shows). */
  transient: number;
  /** Failures of a live, unreferenced node: an orphan, failing every election until restart. */
  persistent: number;
  /** WRN lines written. */
  warnLogged: number;
  /** WRN lines swallowed by the 1 s rate limit. */
  warnSuppressed: number;
  /** Failures the modelled version does not log at all (2.10.x: a Closed node's failed write). */
  unlogged: number;
}

/** A zeroed {@link TavFailureCounters}. */
export function newTavFailureCounters(): TavFailureCounters {
  return { enoent: 0, other: 0, transient: 0, persistent: 0, warnLogged: 0, warnSuppressed: 0, unlogged: 0 };
}

/** How the host classifies a failure at the moment it happens. */
export type TavFailureClass = 'transient' | 'persistent';

/** NATS's rate-limit expiry for repeated warnings: 1 s of NATS time. */
export const WARN_EXPIRY_NATS_MS = 1000;

/**
 * Rate limiter keyed by the full log statement, like NATS's `RateLimitWarnf`: a statement logs,
 * then identical statements are suppressed until `expiryMs` of clock time have passed since it
 * last logged. Because the statement names the node id and group, it is per node. NATS keeps one
 * such map per server, so duplicate instances of one (server, group) (same node id, same text)
 * share a limit; a host that wants that fidelity passes one limiter to all stores of a server.
 */
export class StatementRateLimiter {
  private readonly lastLogged = new Map<string, number>();

  constructor(
    private readonly clock: Clock,
    /** Expiry in clock ms. */
    readonly expiryMs: number,
  ) {
    if (!Number.isFinite(expiryMs) || expiryMs < 0) {
      throw new RangeError(`expiryMs must be a finite number >= 0, got ${String(expiryMs)}`);
    }
  }

  /** True (and records now) if `statement` may be logged; false if it is still suppressed. */
  allow(statement: string): boolean {
    const now = this.clock.nowMs();
    const last = this.lastLogged.get(statement);
    if (last !== undefined && now - last < this.expiryMs) return false;
    this.lastLogged.set(statement, now);
    return true;
  }
}

/** Construction options of a {@link TermVoteStore}. */
export interface TermVoteStoreOptions {
  disk: Disk;
  /** Absolute path of this group's `tav.idx` (see `termVotePath` in layout.ts). */
  path: string;
  /** The Raft node id (8 characters in NATS), as printed in log lines. */
  nodeId: string;
  /** The Raft group name, as printed in log lines. */
  group: string;
  clock: Clock;
  /** Real (clock) ms per NATS second; the WRN expiry is `timeScale` clock ms. Must be > 0. */
  timeScale: number;
  /** Called once per failure, at failure time: was this node being deleted, or is it an orphan? */
  classify: () => TavFailureClass;
  /** Counters this store adds to (may be shared by many stores). */
  counters: TavFailureCounters;
  log: RaftLogSink;
  /** Optional shared WRN limiter (see {@link StatementRateLimiter}); default: one per store. */
  warnLimiter?: StatementRateLimiter;
  /**
   * Called once per failure, after `classify`: false if the modelled version logs nothing for it
   * (v2.10.18 logs only `err != nil && !n.isClosed()`, raft.go:3890). Default: always logged.
   */
  logs?: (cls: TavFailureClass) => boolean;
  /** Called once per failure with the error (the host sets NATS's write-error state from it). */
  onError?: (e: unknown, cls: TavFailureClass) => void;
}

/**
 * Writes `tav.idx` for one Raft node instance, the way v2.10.18 does: in place, by path, no fsync.
 *
 * Failure handling follows NATS's ENOENT path: log `[ERR] ... Resource not found: <err>` (every
 * time), then `[WRN] ... Error writing term and vote file for "<group>": <err>` (rate limited,
 * 1 s NATS time), and carry on: the node is never disabled and `write` never throws.
 *
 * Writes of one store are serialised (each starts after the previous settles), as NATS writes
 * under the node lock; so the file ends with the last write's bytes.
 */
export class TermVoteStore {
  private readonly opts: TermVoteStoreOptions;
  private readonly limiter: StatementRateLimiter;
  private readonly prefix: string;
  private tail: Promise<unknown> = Promise.resolve();

  constructor(opts: TermVoteStoreOptions) {
    if (!Number.isFinite(opts.timeScale) || opts.timeScale <= 0) {
      throw new RangeError(`timeScale must be a finite number > 0 (real ms per NATS second), got ${String(opts.timeScale)}`);
    }
    if (opts.nodeId.length === 0) throw new RangeError('nodeId must be a non-empty string');
    if (opts.group.length === 0) throw new RangeError('group must be a non-empty string');
    if (opts.path.length === 0) throw new RangeError('path must be a non-empty string');
    this.opts = opts;
    // 1000 NATS ms = timeScale clock ms.
    this.limiter = opts.warnLimiter ?? new StatementRateLimiter(opts.clock, (WARN_EXPIRY_NATS_MS / 1000) * opts.timeScale);
    this.prefix = `RAFT [${opts.nodeId} - ${opts.group}]`;
  }

  /** The file this store writes. */
  get path(): string {
    return this.opts.path;
  }

  /** Write `bytes` to tav.idx. Resolves true on success, false on a (counted, logged) failure. Never rejects. */
  write(bytes: Uint8Array): Promise<boolean> {
    const result = this.tail.then(() => this.writeNow(bytes));
    this.tail = result;
    return result;
  }

  private async writeNow(bytes: Uint8Array): Promise<boolean> {
    try {
      await this.opts.disk.writeFile(this.opts.path, bytes);
      return true;
    } catch (e) {
      try {
        this.onFailure(e);
      } catch {
        // Counting or logging failed (a host bug); the node must still not stop.
      }
      return false;
    }
  }

  private onFailure(e: unknown): void {
    const { counters, log } = this.opts;
    const isEnoent = isErrnoError(e) && e.code === 'ENOENT';
    if (isEnoent) counters.enoent++;
    else counters.other++;

    let cls: TavFailureClass;
    try {
      cls = this.opts.classify();
    } catch {
      cls = 'persistent'; // a throwing classifier must not hide a failure: count the alarming class
    }
    if (cls === 'transient') counters.transient++;
    else counters.persistent++;
    this.opts.onError?.(e, cls);
    if (this.opts.logs && !this.opts.logs(cls)) {
      counters.unlogged++;
      return;
    }

    const err = goErrorText(e);
    // NATS (setWriteErrLocked): os.IsNotExist → "Resource not found", not rate limited, not disabling.
    if (isEnoent) log.line('ERR', `${this.prefix} Resource not found: ${err}`);
    const warn = `${this.prefix} Error writing term and vote file for ${JSON.stringify(this.opts.group)}: ${err}`;
    if (this.limiter.allow(warn)) {
      counters.warnLogged++;
      log.line('WRN', warn);
    } else {
      counters.warnSuppressed++;
    }
  }
}
