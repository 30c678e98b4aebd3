/** The largest seed: seeds are unsigned 32-bit integers, in [0, SEED_MAX]. */
export const SEED_MAX = 0xffff_ffff;

/**
 * The k-th seed derived from a base seed (repeat r uses deriveSeed(seed, r)): wraps modulo 2^32,
 * so every seed derived from a valid seed is valid (`--seed 4294967295 --repeats 2` used to die
 * on seed 4294967296 after 16 runs).
 */
export function deriveSeed(base: number, k: number): number {
  return (base + k) >>> 0;
}
