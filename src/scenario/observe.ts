import { isOrphan, type Cluster } from '../cluster/cluster.js';
import type { CensusEntry } from '../cluster/protocol.js';
import { NATS_TICK_MS, NATS_TIMING } from '../raft/config.js';
import { AbortableSleeps, withDeadline } from './abortable-sleeps.js';

/** NATS time an orphaned leader may need before it steps down and campaigns: two lost-quorum checks. */
export const SETTLE_NATS_SECONDS = (2 * NATS_TIMING.lostQuorumTicks * NATS_TICK_MS) / 1000;

/** What NATS's timing implies: 2 tav.idx writes per campaign, one campaign per mean election timeout (4–9 s: 6.5 s). */
export const EXPECTED_ORPHAN_FAILURES_PER_NATS_SECOND =
  2 / (((NATS_TIMING.electionTimeoutMinTicks + NATS_TIMING.electionTimeoutMaxTicks) / 2) * (NATS_TICK_MS / 1000));

export interface OrphanObservation {
  /** Orphans alone in their group for the whole window (the ones whose rate is measured). */
  readonly orphansObserved: number;
  readonly failures: number;
  /** NATS time the hosts really simulated over the window (ticks run × 100 ms). */
  readonly natsSeconds: number;
  readonly failuresPerNatsSecond: number | null;
}

/**
 * "Until the restart": lets orphaned leaders step down, then counts the tav.idx failures of orphans
 * alone in their group over a window measured in ticks the hosts really ran, i.e. in NATS time
 * (late ticks under load slow NATS time down; the wall clock would overstate it).
 *
 * An abort (Ctrl-C, SIGTERM) during the window ends the window early but keeps what it saw: the
 * closing census is taken at once (within `stepAfterAbortMs`), so the rate covers the NATS time
 * really watched. Aborted while the orphans were still settling: nothing was watched (0, null).
 */
export async function observeOrphans(
  c: Cluster,
  timeScaleMs: number,
  observeNatsSeconds: number,
  signal?: AbortSignal,
  hooks: { readonly onWindowStart?: () => void; readonly stepAfterAbortMs?: number } = {},
): Promise<OrphanObservation> {
  const none: OrphanObservation = { orphansObserved: 0, failures: 0, natsSeconds: 0, failuresPerNatsSecond: null };
  const sleeps = new AbortableSleeps(signal);
  const step = async <T>(p: Promise<T>): Promise<T | 'late'> => (signal?.aborted ? withDeadline(p, hooks.stepAfterAbortMs ?? 2000, 'late' as const) : p);
  try {
    if (!(await sleeps.sleep(SETTLE_NATS_SECONDS * timeScaleMs))) return none;
    const before = lonelyOrphans(await c.guard(c.census()));
    const ticksBefore = await tickCounts(c);
    hooks.onWindowStart?.();
    await sleeps.sleep(observeNatsSeconds * timeScaleMs);
    const censusAfter = await step(c.guard(c.census()));
    const ticksAfter = await step(tickCounts(c));
    if (censusAfter === 'late' || ticksAfter === 'late') return none;
    const after = lonelyOrphans(censusAfter);
    let failures = 0;
    let n = 0;
    for (const [id, e] of before) {
      const later = after.get(id);
      if (!later) continue;
      failures += later.tavFailures - e.tavFailures;
      n++;
    }
    const deltas = ticksAfter.map((t, i) => t - (ticksBefore[i] ?? 0));
    const natsSeconds = (deltas.reduce((x, y) => x + y, 0) / Math.max(1, deltas.length)) * (NATS_TICK_MS / 1000);
    return { orphansObserved: n, failures, natsSeconds, failuresPerNatsSecond: n > 0 && natsSeconds > 0 ? failures / (n * natsSeconds) : null };
  } finally {
    sleeps.dispose();
  }
}

/**
 * Orphans with no live instance of their group on another server. Twins on one server share a
 * node id and ignore each other, so each campaigns alone; orphans on two servers can elect each
 * other and fall silent.
 */
export function lonelyOrphans(census: readonly CensusEntry[]): Map<number, CensusEntry> {
  const servers = new Map<number, Set<number>>();
  for (const e of census) {
    const set = servers.get(e.group) ?? new Set<number>();
    set.add(e.server);
    servers.set(e.group, set);
  }
  return new Map(census.filter((e) => isOrphan(e) && servers.get(e.group)?.size === 1).map((e) => [e.instanceId, e]));
}

async function tickCounts(c: Cluster): Promise<number[]> {
  return (await c.guard(c.stats())).map((s) => s.ticks);
}
