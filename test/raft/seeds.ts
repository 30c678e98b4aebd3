/**
 * Seeds for the simulator tests: `RAFT_SEED=n` replays exactly one, `RAFT_SEEDS=k` widens the loop
 * (default `fallback`). Failures print the seed and this replay command.
 */
export function seedsFor(fallback: number): number[] {
  const one = process.env['RAFT_SEED'];
  if (one !== undefined && one !== '') return [Number(one)];
  const k = Number(process.env['RAFT_SEEDS'] ?? fallback);
  return Array.from({ length: k }, (_, i) => i + 1);
}
