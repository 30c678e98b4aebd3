import { MessageChannel, Worker } from 'node:worker_threads';
import { STRATEGY_NAMES, type StrategyName } from '../../src/create/index.js';
import { createServerShmBuffers } from '../../src/shm/server-shm.js';
import { SharedCounters } from '../../src/shm/sync-primitives.js';
import { summarize, type Summary } from '../../src/scenario/stats.js';
import { GOC_COUNTERS, servePostMessageRegistry, type GocPattern, type GocPlan, type PostMessagePlan } from './goc-driver.js';

export interface GocConfig {
  readonly variant: StrategyName | 'postMessage';
  readonly threads: number;
  readonly pattern: GocPattern;
}

export interface GocResult extends GocConfig {
  /** Get-or-create operations per second, all threads together (total ops / slowest thread's loop), one sample per repeat. */
  readonly opsPerSec: Summary;
  /** Wall time per operation as one thread sees it (its loop's elapsed / its ops), median over threads and repeats, in ns. */
  readonly nsPerOpPerThread: number;
}

const WORKER_URL = new URL('./goc-worker.js', import.meta.url);

/**
 * One timed run: workers warm up, start together on a shared-memory barrier and each time its own
 * loop (so thread start-up and result messaging stay outside the measurement). Returns each
 * worker's elapsed ms. `registries: 'private'` gives each worker its own server memory (only
 * meaningful for patterns whose names are per-thread: disjoint, hit).
 */
export async function once(cfg: GocConfig, opsPerThread: number, registries: 'shared' | 'private' = 'shared'): Promise<number[]> {
  const ctl = new SharedCounters(GOC_COUNTERS);
  const capacity = nextPow2(2 * (cfg.pattern === 'shared' ? opsPerThread : 0) + 1024);
  const server = createServerShmBuffers('S1', { capacity });
  // 'private': every thread gets its own server memory, so the threads share nothing but the machine;
  // the same code's 2-thread scaling then measures the machine's ceiling, not the registry's.
  const serverOf = (workerId: number): typeof server => (registries === 'private' && workerId > 0 ? createServerShmBuffers('S1', { capacity }) : server);
  const channels: MessageChannel[] = [];
  const workers = Array.from({ length: cfg.threads }, (_, workerId) => {
    if (cfg.variant === 'postMessage') {
      const ch = new MessageChannel();
      channels.push(ch);
      servePostMessageRegistry(ch.port1);
      const plan: PostMessagePlan = { kind: 'postMessage', ctl: ctl.buffer, workerId, pattern: cfg.pattern, ops: opsPerThread, warmupOps: Math.min(30_000, opsPerThread), port: ch.port2 };
      return new Worker(WORKER_URL, { workerData: plan, transferList: [ch.port2] });
    }
    const plan: GocPlan = { kind: 'shm', server: serverOf(workerId), ctl: ctl.buffer, strategy: cfg.variant, workerId, pattern: cfg.pattern, ops: opsPerThread, warmupOps: Math.min(30_000, opsPerThread) };
    return new Worker(WORKER_URL, { workerData: plan });
  });
  const finished = Promise.all(
    workers.map(
      (w, i) =>
        new Promise<number>((resolve, reject) => {
          w.once('message', (m: { ok: boolean; elapsedMs?: number; error?: string }) =>
            m.ok && m.elapsedMs !== undefined ? resolve(m.elapsedMs) : reject(new Error(`bench worker ${i}: ${m.error ?? ''}`)),
          );
          w.once('error', reject);
        }),
    ),
  );
  try {
    await Promise.race([ctl.waitAtLeast('ready', cfg.threads, 120_000), finished]);
    ctl.set('go', 1);
    return await finished;
  } finally {
    for (const ch of channels) ch.port1.close();
    await Promise.all(workers.map((w) => w.terminate()));
  }
}

function nextPow2(n: number): number {
  return 2 ** Math.ceil(Math.log2(Math.max(2, n)));
}

export function gocConfigs(): GocConfig[] {
  const out: GocConfig[] = [];
  for (const threads of [1, 2, 4]) for (const pattern of ['disjoint', 'shared'] as const) for (const variant of STRATEGY_NAMES) out.push({ variant, threads, pattern });
  for (const variant of ['cas', 'postMessage'] as const) for (const pattern of ['hit', 'disjoint'] as const) if (variant === 'postMessage' || pattern === 'hit') out.push({ variant, threads: 1, pattern });
  return out;
}

/**
 * Every configuration `repeats` times, interleaved (round r runs all configs, in an order that
 * alternates direction each round) so that machine drift hits every variant alike.
 */
export async function runMultiThreadMicro(opsPerThread: number, repeats: number, onProgress?: (done: number, total: number) => void): Promise<GocResult[]> {
  const cfgs = gocConfigs();
  const samples = cfgs.map(() => [] as number[]);
  const elapsed = cfgs.map(() => [] as number[]);
  let done = 0;
  for (let r = 0; r < repeats; r++) {
    const order = cfgs.map((_, i) => i);
    if (r % 2 === 1) order.reverse();
    for (const i of order) {
      const cfg = cfgs[i]!;
      const ops = cfg.variant === 'postMessage' ? Math.max(200, Math.floor(opsPerThread / 10)) : opsPerThread;
      const ms = await once(cfg, ops);
      samples[i]!.push((cfg.threads * ops) / (Math.max(...ms) / 1000));
      elapsed[i]!.push((summarize(ms).median * 1e6) / ops);
      onProgress?.(++done, cfgs.length * repeats);
    }
  }
  return cfgs.map((cfg, i) => ({ ...cfg, opsPerSec: summarize(samples[i]!), nsPerOpPerThread: summarize(elapsed[i]!).median }));
}
