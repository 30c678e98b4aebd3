import type { Clock } from '../env/clock.js';
import type { Prng } from '../env/prng.js';
import { DISK_OPS, makeErrnoError, type Disk, type DiskOp } from './disk.js';

/** The fault codes {@link FaultyDisk} can inject. */
export type FaultCode = 'EIO' | 'ENOSPC' | 'EACCES';

/** Every {@link FaultCode}, in the fixed order used for drawing. */
export const FAULT_CODES: readonly FaultCode[] = Object.freeze(['EIO', 'ENOSPC', 'EACCES']);

/** Added latency per operation, in clock ms. */
export type LatencySpec = { kind: 'fixed'; ms: number } | { kind: 'uniform'; minMs: number; maxMs: number };

/** Configuration of a {@link FaultyDisk}. All fields optional: `{}` is a transparent wrapper. */
export interface FaultyDiskConfig {
  /** Latency added before every operation (all ops, not only `ops`). Default: none. */
  latencyMs?: LatencySpec;
  /**
   * Probability per eligible operation of failing with each code, each in [0, 1], summing to at
   * most 1 (the codes are mutually exclusive outcomes of one draw).
   */
  faults?: Partial<Record<FaultCode, number>>;
  /** Operations eligible for faults. Default: every op. */
  ops?: readonly DiskOp[];
}

/** Injected-fault counts per code, plus their total. */
export type FaultCounts = Record<FaultCode, number> & { total: number };

/** What {@link FaultyDisk} needs from its environment. */
export interface FaultyDiskDeps {
  /** Source of every latency and fault draw. Give it a fork of its own (e.g. `prng.fork('disk')`). */
  prng: Prng;
  /** Where latency is slept (a SimClock in tests and simulation). */
  clock: Clock;
}

/**
 * The syscall node would name for each op and code: a write that cannot open reports `open`, one
 * that fails while writing reports `write`, and so on, so injected errors read like real ones.
 */
function syscallFor(op: DiskOp, code: FaultCode): string {
  switch (op) {
    case 'mkdirp':
      return 'mkdir';
    case 'writeFile':
      return code === 'EACCES' ? 'open' : 'write';
    case 'readFile':
      return code === 'EACCES' ? 'open' : 'read';
    case 'rm':
      return 'rm';
    case 'rename':
      return 'rename';
    case 'exists':
      return 'access';
    case 'readdir':
      return 'scandir';
  }
}

function checkRate(field: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v > 1) {
    throw new RangeError(`${field} must be a number in [0, 1], got ${String(v)}`);
  }
  return v;
}

function checkMs(field: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
    throw new RangeError(`${field} must be a finite number >= 0, got ${String(v)}`);
  }
  return v;
}

/**
 * Validate a {@link FaultyDiskConfig}; throws a RangeError naming the field and its allowed
 * values. Returns the normalised pieces.
 */
function validate(config: FaultyDiskConfig): {
  latency: LatencySpec | undefined;
  thresholds: readonly { code: FaultCode; upTo: number }[];
  eligible: ReadonlySet<DiskOp>;
} {
  let latency: LatencySpec | undefined;
  const l: unknown = config.latencyMs;
  if (l !== undefined) {
    const kind = (l as { kind?: unknown }).kind;
    if (kind === 'fixed') {
      latency = { kind, ms: checkMs('latencyMs.ms', (l as { ms?: unknown }).ms) };
    } else if (kind === 'uniform') {
      const minMs = checkMs('latencyMs.minMs', (l as { minMs?: unknown }).minMs);
      const maxMs = checkMs('latencyMs.maxMs', (l as { maxMs?: unknown }).maxMs);
      if (minMs > maxMs) {
        throw new RangeError(`latencyMs.minMs must be <= latencyMs.maxMs, got minMs ${minMs} > maxMs ${maxMs}`);
      }
      latency = { kind, minMs, maxMs };
    } else {
      throw new RangeError(`latencyMs.kind must be one of 'fixed', 'uniform', got ${JSON.stringify(kind)}`);
    }
  }

  const faults: Record<string, unknown> = config.faults ?? {};
  for (const key of Object.keys(faults)) {
    if (!(FAULT_CODES as readonly string[]).includes(key)) {
      throw new RangeError(`faults.${key} is not a fault code; allowed: ${FAULT_CODES.join(', ')}`);
    }
  }
  // Cumulative thresholds in FAULT_CODES order: one uniform draw u picks the first code with u < upTo.
  const thresholds: { code: FaultCode; upTo: number }[] = [];
  let sum = 0;
  for (const code of FAULT_CODES) {
    const v = faults[code];
    if (v === undefined) continue;
    sum += checkRate(`faults.${code}`, v);
    thresholds.push({ code, upTo: sum });
  }
  if (sum > 1 + 1e-12) {
    throw new RangeError(`faults rates must sum to at most 1 (one outcome per operation), got ${sum}`);
  }

  const ops = config.ops ?? DISK_OPS;
  if (!Array.isArray(ops)) throw new RangeError(`ops must be an array of: ${DISK_OPS.join(', ')}`);
  ops.forEach((op: unknown, i) => {
    if (!(DISK_OPS as readonly unknown[]).includes(op)) {
      throw new RangeError(`ops[${i}] must be one of ${DISK_OPS.join(', ')}, got ${JSON.stringify(op)}`);
    }
  });
  return { latency, thresholds, eligible: new Set(ops) };
}

/**
 * A {@link Disk} wrapper that adds latency and injects node-shaped errors (EIO -5, ENOSPC -28,
 * EACCES -13 with `syscall` and `path`), driven by a seeded Prng and an injected Clock.
 *
 * Determinism invariant: every random draw for an operation happens synchronously when the method
 * is called, before any await, in a fixed order (one latency draw if uniform, then one fault draw if
 * the op is eligible). So the same seed and the same call order give the same latencies and the same
 * faults, however the sleeps interleave. A faulted operation never reaches the inner disk (nothing
 * half-done), and it still pays its latency first.
 */
export class FaultyDisk implements Disk {
  private readonly latency: LatencySpec | undefined;
  private readonly thresholds: readonly { code: FaultCode; upTo: number }[];
  private readonly eligible: ReadonlySet<DiskOp>;
  private readonly prng: Prng;
  private readonly clock: Clock;
  private readonly counts: Record<FaultCode, number> = { EIO: 0, ENOSPC: 0, EACCES: 0 };

  constructor(
    private readonly inner: Disk,
    config: FaultyDiskConfig,
    deps: FaultyDiskDeps,
  ) {
    const v = validate(config);
    this.latency = v.latency;
    this.thresholds = v.thresholds;
    this.eligible = v.eligible;
    this.prng = deps.prng;
    this.clock = deps.clock;
  }

  /** The inner disk's kind: the wrapper changes timing and failures, not where data lives. */
  get kind(): 'fs' | 'memfs' {
    return this.inner.kind;
  }

  /** Injected faults so far, per code and in total (a copy). */
  faultCounts(): FaultCounts {
    const { EIO, ENOSPC, EACCES } = this.counts;
    return { EIO, ENOSPC, EACCES, total: EIO + ENOSPC + EACCES };
  }

  mkdirp(path: string): Promise<void> {
    return this.run('mkdirp', path, undefined, () => this.inner.mkdirp(path));
  }

  writeFile(path: string, data: Uint8Array): Promise<void> {
    return this.run('writeFile', path, undefined, () => this.inner.writeFile(path, data));
  }

  readFile(path: string): Promise<Uint8Array> {
    return this.run('readFile', path, undefined, () => this.inner.readFile(path));
  }

  rm(path: string): Promise<void> {
    return this.run('rm', path, undefined, () => this.inner.rm(path));
  }

  rename(from: string, to: string): Promise<void> {
    return this.run('rename', from, to, () => this.inner.rename(from, to));
  }

  exists(path: string): Promise<boolean> {
    return this.run('exists', path, undefined, () => this.inner.exists(path));
  }

  readdir(path: string): Promise<string[]> {
    return this.run('readdir', path, undefined, () => this.inner.readdir(path));
  }

  /** Draw (synchronously), sleep, then fail or delegate. */
  private run<T>(op: DiskOp, path: string, dest: string | undefined, call: () => Promise<T>): Promise<T> {
    const delay = this.drawLatency();
    const fault = this.eligible.has(op) ? this.drawFault() : undefined;
    return (async () => {
      // Skip the sleep at 0: a SimClock parks even a 0 ms sleeper until the next advanceMs.
      if (delay > 0) await this.clock.sleepMs(delay);
      if (fault !== undefined) {
        this.counts[fault]++; // counted when the error is really raised, after the latency
        throw makeErrnoError(fault, syscallFor(op, fault), path, dest);
      }
      return call();
    })();
  }

  private drawLatency(): number {
    const l = this.latency;
    if (l === undefined) return 0;
    if (l.kind === 'fixed') return l.ms;
    return l.minMs + this.prng.nextFloat() * (l.maxMs - l.minMs);
  }

  /** One draw per eligible op, even when no rate is set, so draw counts don't depend on rates. */
  private drawFault(): FaultCode | undefined {
    const u = this.prng.nextFloat(); // in [0, 1): rate 0 never hits, rate 1 always does
    for (const t of this.thresholds) if (u < t.upTo) return t.code;
    return undefined;
  }
}
