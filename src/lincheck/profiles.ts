import { NameCodec } from '../shm/name-codec.js';

/**
 * The workloads lincheck cycles through. Each stresses what the plain hammer never does: names that
 * share one home slot, tiny and nearly full tables, distinct-name churn (tombstone reuse, compaction
 * and sweeps), and a table that fills (RT_REGISTRY_FULL is then a legal answer, so that profile is
 * checked as one history over all names instead of per name).
 */
export interface Profile {
  readonly id: string;
  readonly capacity: number;
  /** Operations per thread per round. */
  readonly opsPerThread: number;
  /** At most `capacity` names are ever live, so no insert is refused and each name is its own history. */
  readonly partitionByKey: boolean;
  /** Names of round `round` (1-based). */
  names(round: number): string[];
  /** Remove every live name after each round (quiescent), leaving tombstones for the next round's names. */
  readonly cleanupEachRound: boolean;
}

/** `count` names of the form `${prefix}${i}` whose home slot in a `capacity`-slot table is `home`. */
export function namesWithHome(capacity: number, home: number, count: number, prefix: string): string[] {
  const codec = new NameCodec(64);
  const out: string[] = [];
  for (let i = 0; out.length < count; i++) {
    codec.encode(`${prefix}${i}`);
    if ((codec.hash & (capacity - 1)) === home) out.push(`${prefix}${i}`);
  }
  return out;
}

const fixed = (names: string[]) => () => names;

export const PROFILES: readonly Profile[] = [
  {
    id: 'tiny-collide',
    capacity: 4,
    opsPerThread: 600,
    partitionByKey: true,
    cleanupEachRound: false,
    names: fixed([...namesWithHome(4, 1, 3, 'C-R3F-'), ...namesWithHome(4, 3, 1, 'S-')]),
  },
  {
    id: 'nearly-full',
    capacity: 8,
    opsPerThread: 600,
    partitionByKey: true,
    cleanupEachRound: false,
    names: fixed(Array.from({ length: 8 }, (_, i) => `g${i}`)),
  },
  {
    id: 'distinct-churn',
    capacity: 16,
    opsPerThread: 600,
    partitionByKey: true,
    cleanupEachRound: true,
    names: (round) => [...namesWithHome(16, round & 15, 4, `R${round}-`), ...Array.from({ length: 8 }, (_, i) => `R${round}-x${i}`)],
  },
  {
    id: 'full-table',
    capacity: 4,
    opsPerThread: 40,
    partitionByKey: false,
    cleanupEachRound: false,
    names: fixed([...namesWithHome(4, 0, 3, 'F-'), 'F-a', 'F-b', 'F-c']),
  },
];

export function profileById(id: string): Profile {
  const p = PROFILES.find((x) => x.id === id);
  if (!p) throw new Error(`lincheck: no profile ${id}`);
  return p;
}
