import { open, type FileHandle } from 'node:fs/promises';
import { realClock, type Clock } from '../env/clock.js';

/** A NATS log level as raftrace emits them. */
export type LogLevel = 'ERR' | 'WRN' | 'INF';

/**
 * Where Raft nodes write their NATS-style log lines. `line` is synchronous and never throws (a
 * node must not stop because logging failed); `flush` and `close` report I/O errors.
 */
export interface RaftLogSink {
  /** Record one line; `text` is everything after the level tag, e.g. `RAFT [abcd1234 - C-R3F-x] ...`. */
  line(level: LogLevel, text: string): void;
  /** Resolve once every line recorded so far is stored. */
  flush(): Promise<void>;
  /** Flush, then release resources. Idempotent. Lines recorded after close are dropped and counted. */
  close(): Promise<void>;
}

/** One recorded line in a {@link MemoryLogSink}. */
export interface LoggedLine {
  readonly level: LogLevel;
  readonly text: string;
}

/** Keeps lines in memory, for tests. */
export class MemoryLogSink implements RaftLogSink {
  /** Every line, in order. */
  readonly lines: LoggedLine[] = [];

  line(level: LogLevel, text: string): void {
    this.lines.push({ level, text });
  }

  /** The lines as `[LVL] text` strings, convenient for matching. */
  rendered(): string[] {
    return this.lines.map((l) => `[${l.level}] ${l.text}`);
  }

  async flush(): Promise<void> {}
  async close(): Promise<void> {}
}

/** Discards everything. */
export class NullLogSink implements RaftLogSink {
  line(_level: LogLevel, _text: string): void {}
  async flush(): Promise<void> {}
  async close(): Promise<void> {}
}

/** Options for {@link FileLogSink}. */
export interface FileLogSinkOptions {
  /**
   * Wall-clock ms (since the epoch) that `clock.nowMs() === 0` stands for. Default: anchored at
   * construction, `Date.now() - clock.nowMs()`, so a monotonic or simulated clock prints
   * plausible dates. Pass a fixed value for deterministic output.
   */
  epochOffsetMs?: number;
  /** The pid printed in each line; default `process.pid`. */
  pid?: number;
  /** Buffered bytes (approx., UTF-16 units) that trigger a background flush; default 64 KiB. */
  autoFlushChars?: number;
}

/**
 * Appends NATS-looking lines to a real file, for a user to grep:
 * `[<pid>] YYYY/MM/DD HH:MM:SS.ffffff [ERR] RAFT [...] ...` (UTC; NATS prints local time unless
 * `logtime_utc`, UTC keeps files comparable across machines).
 *
 * Lines are buffered in memory and appended by `flush()`/`close()` (and in the background once the
 * buffer passes `autoFlushChars`). Invariants: appends run one at a time in record order, so the
 * file is always a prefix of the recorded lines; after `close()` resolves the file holds every line
 * recorded before `close()` was called. A background write error is kept and rethrown by the next
 * `flush()`/`close()`, never thrown from `line()`.
 */
export class FileLogSink implements RaftLogSink {
  private buffer: string[] = [];
  private bufferedChars = 0;
  /** Tail of the serial write chain; every append is chained after it. */
  private chain: Promise<void> = Promise.resolve();
  private handle: FileHandle | undefined;
  private pendingError: unknown;
  private closing: Promise<void> | undefined;
  private readonly epochOffsetMs: number;
  private readonly pid: number;
  private readonly autoFlushChars: number;
  /** Lines recorded after `close()` was called (dropped). */
  droppedAfterClose = 0;

  constructor(
    readonly path: string,
    private readonly clock: Clock = realClock,
    options: FileLogSinkOptions = {},
  ) {
    this.epochOffsetMs = options.epochOffsetMs ?? Date.now() - clock.nowMs();
    this.pid = options.pid ?? process.pid;
    this.autoFlushChars = options.autoFlushChars ?? 64 * 1024;
    if (!Number.isFinite(this.epochOffsetMs)) {
      throw new RangeError(`epochOffsetMs must be a finite number, got ${String(options.epochOffsetMs)}`);
    }
    if (!Number.isInteger(this.autoFlushChars) || this.autoFlushChars < 1) {
      throw new RangeError(`autoFlushChars must be an integer >= 1, got ${String(options.autoFlushChars)}`);
    }
  }

  line(level: LogLevel, text: string): void {
    if (this.closing !== undefined) {
      this.droppedAfterClose++;
      return;
    }
    const s = `[${this.pid}] ${formatNatsTime(this.epochOffsetMs + this.clock.nowMs())} [${level}] ${text}\n`;
    this.buffer.push(s);
    this.bufferedChars += s.length;
    if (this.bufferedChars >= this.autoFlushChars) {
      // Background flush: its error is parked in pendingError, so the promise cannot reject.
      void this.enqueueAppend();
    }
  }

  async flush(): Promise<void> {
    await this.enqueueAppend();
    this.throwPending();
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      await this.enqueueAppend();
      const h = this.handle;
      this.handle = undefined;
      if (h !== undefined) await h.close();
      this.throwPending();
    })();
    return this.closing;
  }

  /** Move the buffer into one append chained after all earlier ones. Never rejects. */
  private enqueueAppend(): Promise<void> {
    const chunk = this.buffer.join('');
    this.buffer = [];
    this.bufferedChars = 0;
    this.chain = this.chain.then(async () => {
      if (chunk.length === 0) return;
      try {
        this.handle ??= await open(this.path, 'a');
        await this.handle.appendFile(chunk, 'utf8');
      } catch (e) {
        this.pendingError ??= e;
      }
    });
    return this.chain;
  }

  private throwPending(): void {
    if (this.pendingError !== undefined) {
      const e = this.pendingError;
      this.pendingError = undefined;
      throw e instanceof Error ? e : new Error('log write failed', { cause: e });
    }
  }
}

/** `YYYY/MM/DD HH:MM:SS.ffffff` in UTC, as Go's `log.LstdFlags|log.Lmicroseconds` prints. */
export function formatNatsTime(epochMs: number): string {
  // Whole microseconds, rounded: float ms like 1234.567 must print .234567, not .234566.
  // (epoch µs ≈ 1.7e15 < 2^53, so this is exact integer arithmetic.)
  const totalMicros = Math.round(epochMs * 1000);
  const d = new Date(Math.floor(totalMicros / 1000));
  const micros = ((totalMicros % 1_000_000) + 1_000_000) % 1_000_000;
  const p2 = (n: number): string => String(n).padStart(2, '0');
  return (
    `${d.getUTCFullYear()}/${p2(d.getUTCMonth() + 1)}/${p2(d.getUTCDate())} ` +
    `${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())}.${String(micros).padStart(6, '0')}`
  );
}
