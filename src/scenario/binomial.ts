/**
 * Wilson score interval for a binomial proportion (95% by default): honest for small run counts
 * and for proportions at 0 or 1, where the normal approximation collapses to a point.
 */
export function wilsonInterval(successes: number, trials: number, z = 1.96): { readonly rate: number; readonly low: number; readonly high: number } {
  if (!Number.isInteger(successes) || !Number.isInteger(trials) || trials < 0 || successes < 0 || successes > trials) {
    throw new RangeError(`wilsonInterval needs integers 0 <= successes <= trials, got ${successes}/${trials}`);
  }
  if (trials === 0) return { rate: Number.NaN, low: 0, high: 1 };
  const p = successes / trials;
  const z2 = z * z;
  const denom = 1 + z2 / trials;
  const centre = (p + z2 / (2 * trials)) / denom;
  const half = (z * Math.sqrt((p * (1 - p)) / trials + z2 / (4 * trials * trials))) / denom;
  return { rate: p, low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}
