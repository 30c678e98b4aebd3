import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { RunningServer } from './cluster.js';
import { countRaftRunGoroutines, monitorGet } from './monitor.js';

/** What one server really runs, against what its JetStream state says it should. */
export interface ServerCensus {
  readonly server: string;
  /** Goroutines in `(*raft).run`: live Raft nodes. */
  readonly raftNodes: number;
  /** 1 (the meta group) + its replicated streams + its consumers, per /jsz. */
  readonly expectedNodes: number;
  /** Consumer group store dirs under `$SYS/_js_` (C-… and .C-… being removed). */
  readonly consumerDirs: readonly string[];
}

interface Jsz {
  readonly streams?: number;
  readonly consumers?: number;
}

/** One census of one server: /stacksz, /jsz and its store dir. */
export async function censusOf(s: RunningServer): Promise<ServerCensus> {
  const stacks = await monitorGet(s.ports.http, '/stacksz');
  const jszReply = await monitorGet(s.ports.http, '/jsz');
  const jsz = JSON.parse(jszReply.body) as Jsz;
  const sysDir = join(s.storeDir, 'jetstream', '$SYS', '_js_');
  const entries = await readdir(sysDir).catch(() => [] as string[]);
  return {
    server: s.name,
    raftNodes: countRaftRunGoroutines(stacks.body),
    expectedNodes: 1 + (jsz.streams ?? 0) + (jsz.consumers ?? 0),
    consumerDirs: entries.filter((e) => e.startsWith('C-') || e.startsWith('.C-')).sort(),
  };
}

export const SETTLE_LIMITS = { timeoutMs: 20_000, pollMs: 250 } as const;

/** Raft nodes beyond what the server's assets account for: leaked nodes (orphans). */
export function excessNodes(c: readonly ServerCensus[]): number {
  return c.reduce((n, s) => n + Math.max(0, s.raftNodes - s.expectedNodes), 0);
}

export function dirsLeft(c: readonly ServerCensus[]): number {
  return c.reduce((n, s) => n + s.consumerDirs.length, 0);
}

/**
 * The final census: deletions reach followers through the meta log and 2.9.10 removes a deleted
 * group's dir in the background, so poll until every server runs exactly its expected nodes and
 * holds no consumer dir, or until the bound; the last census is the answer either way.
 */
export async function settledCensus(
  servers: readonly RunningServer[],
  signal?: AbortSignal,
  take: () => Promise<ServerCensus[]> = () => Promise.all(servers.map(censusOf)),
  limits: { readonly timeoutMs: number; readonly pollMs: number } = SETTLE_LIMITS,
): Promise<{ census: ServerCensus[]; settledMs: number; settled: boolean }> {
  const t0 = performance.now();
  for (;;) {
    const census = await take();
    const settled = excessNodes(census) === 0 && dirsLeft(census) === 0;
    const settledMs = performance.now() - t0;
    if (settled || settledMs > limits.timeoutMs || signal?.aborted) return { census, settledMs, settled };
    await sleep(limits.pollMs);
  }
}
