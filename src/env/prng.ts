/**
 * sfc32's four state words and its step: the base of {@link Prng}, and of a class that carries its
 * stream inline instead of pointing to a Prng (a Raft node draws an election timeout on every
 * heartbeat it answers; at 100k nodes a separate Prng object was one more cache miss each time,
 * issue #10). The drawing methods are protected here: a subclass exposes them or not.
 *
 * The words are kept as signed 32-bit integers (`| 0`), never as uint32 (`>>> 0`): a value of 2^31
 * or more is not a small integer in V8, so a field would hold a boxed heap number and every draw
 * would chase four more pointers. Same bits, same stream: test/env/prng.test.ts checks it against
 * the uint32 reference.
 */
export abstract class Sfc32 {
  private a = 0;
  private b = 0;
  private c = 0;
  private d = 0;

  /** Seeds the words through splitmix32, then discards 12 outputs (sfc32's recommended warm-up). */
  protected seedStream(seed: number): void {
    let s = seed >>> 0;
    const next = (): number => {
      s = (s + 0x9e3779b9) >>> 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      return (z ^ (z >>> 16)) | 0;
    };
    this.a = next();
    this.b = next();
    this.c = next();
    this.d = next();
    for (let i = 0; i < 12; i++) this.nextU32();
  }

  /**
   * Continues `from`'s stream: from now on this object draws exactly what `from` would have drawn.
   * `from` itself is not advanced by those draws, so its owner must not draw from it again.
   */
  protected adoptStream(from: Sfc32): void {
    this.a = from.a;
    this.b = from.b;
    this.c = from.c;
    this.d = from.d;
  }

  /** Writes the four words to `r[o..o+3]` (see {@link intBetweenAt}: the stream continues there). */
  protected saveWords(r: Float64Array, o: number): void {
    r[o] = this.a;
    r[o + 1] = this.b;
    r[o + 2] = this.c;
    r[o + 3] = this.d;
  }

  /** Reads the four words back from `r[o..o+3]` (after draws made there by {@link intBetweenAt}). */
  protected loadWords(r: Float64Array, o: number): void {
    this.a = r[o]! | 0;
    this.b = r[o + 1]! | 0;
    this.c = r[o + 2]! | 0;
    this.d = r[o + 3]! | 0;
  }

  /** Uniform integer in [0, 2^32). */
  protected nextU32(): number {
    const t = (this.a + this.b + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (((this.c << 21) | (this.c >>> 11)) + t) | 0;
    return t >>> 0;
  }

  /** Uniform float in [0, 1). */
  protected nextFloat(): number {
    return this.nextU32() / 0x1_0000_0000;
  }

  /** Uniform integer in [lo, hi], both inclusive. */
  protected intBetween(lo: number, hi: number): number {
    if (!Number.isInteger(lo) || !Number.isInteger(hi) || hi < lo) {
      throw new RangeError(`intBetween needs integers lo <= hi, got ${String(lo)}, ${String(hi)}`);
    }
    return lo + Math.floor(this.nextFloat() * (hi - lo + 1));
  }
}

/**
 * The same stream as {@link Sfc32}'s `intBetween`, drawn from four words saved at `r[o..o+3]` by
 * `saveWords` (a parked Raft node's record, src/raft/parked.ts): the next draw the object would have
 * made, bit for bit (test/env/prng.test.ts). `lo <= hi` integers, validated by the caller.
 */
export function intBetweenAt(r: Float64Array, o: number, lo: number, hi: number): number {
  const a = r[o]! | 0;
  const b = r[o + 1]! | 0;
  const c = r[o + 2]! | 0;
  const d = r[o + 3]! | 0;
  const t = (a + b + d) | 0;
  r[o + 3] = (d + 1) | 0;
  r[o] = b ^ (b >>> 9);
  r[o + 1] = (c + (c << 3)) | 0;
  r[o + 2] = (((c << 21) | (c >>> 11)) + t) | 0;
  return lo + Math.floor(((t >>> 0) / 0x1_0000_0000) * (hi - lo + 1));
}

/** Draws uniform integers; what {@link pickTransferTarget}-style helpers need of a stream. */
export interface IntSource {
  intBetween(lo: number, hi: number): number;
}

/**
 * Seeded, forkable PRNG (sfc32 seeded through splitmix32). Deterministic across platforms: only
 * 32-bit integer arithmetic. Every source of randomness in raftrace is one of these, derived from
 * the run's single seed, so a run replays from its seed.
 */
export class Prng extends Sfc32 implements IntSource {
  constructor(readonly seed: number) {
    super();
    if (!Number.isInteger(seed) || seed < 0 || seed > 0xffff_ffff) {
      throw new RangeError(`seed must be an integer in [0, 4294967295], got ${String(seed)}`);
    }
    this.seedStream(seed);
  }

  /** Uniform integer in [0, 2^32). */
  override nextU32(): number {
    return super.nextU32();
  }

  /** Uniform float in [0, 1). */
  override nextFloat(): number {
    return super.nextFloat();
  }

  /** Uniform integer in [lo, hi], both inclusive. */
  override intBetween(lo: number, hi: number): number {
    return super.intBetween(lo, hi);
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return this.nextFloat() < p;
  }

  /** An independent stream for a named consumer; the same (seed, label) always gives the same stream. */
  fork(label: string): Prng {
    let h = this.seed ^ 0x811c9dc5;
    for (let i = 0; i < label.length; i++) h = Math.imul(h ^ label.charCodeAt(i), 0x01000193) >>> 0;
    return new Prng(h >>> 0);
  }
}

/** A fresh seed for a run that was given none; printed first so the run can be replayed. */
export function freshSeed(): number {
  // The one ambient random draw in the project: it only picks the seed, which is then recorded.
  return Math.floor(Math.random() * 0x1_0000_0000) >>> 0;
}
