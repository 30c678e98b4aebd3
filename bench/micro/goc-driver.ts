import type { MessagePort } from 'node:worker_threads';
import { STRATEGIES, type StrategyName } from '../../src/create/index.js';
import { attachServerShm, type ServerShmBuffers } from '../../src/shm/server-shm.js';
import { SharedCounters } from '../../src/shm/sync-primitives.js';

export const GOC_COUNTERS = ['ready', 'go', 'done'] as const;

export interface GocPlan {
  readonly kind: 'shm';
  readonly server: ServerShmBuffers;
  readonly ctl: SharedArrayBuffer;
  readonly strategy: StrategyName;
  readonly workerId: number;
  readonly pattern: GocPattern;
  readonly ops: number;
  /** Untimed operations before the start barrier, so the timed loop runs optimised code. */
  readonly warmupOps: number;
}

/**
 * disjoint: each op creates a name only this thread uses, then unregisters it (every op is a real
 * creation); shared: every thread walks the same fresh names (one creation each, the rest hit or
 * wait); hit: each op asks for one of 64 names this thread created beforehand (the common case of
 * get-or-create).
 */
export type GocPattern = 'disjoint' | 'shared' | 'hit';

export interface PostMessagePlan {
  readonly kind: 'postMessage';
  readonly ctl: SharedArrayBuffer;
  readonly workerId: number;
  readonly pattern: GocPattern;
  readonly ops: number;
  readonly warmupOps: number;
  readonly port: MessagePort;
}


const noBuild = async (): Promise<void> => undefined;

async function barrier(ctl: SharedCounters<(typeof GOC_COUNTERS)[number]>): Promise<void> {
  ctl.add('ready');
  await ctl.waitAtLeast('go', 1, 60_000);
}

/** Get-or-create through a strategy on shared memory, zero-latency window (the `await build()` alone). Returns the timed loop's ms. */
export async function runGoc(p: GocPlan): Promise<number> {
  const shm = attachServerShm(p.server, p.workerId);
  const ctl = new SharedCounters(GOC_COUNTERS, p.ctl);
  const s = STRATEGIES[p.strategy];
  const shared = p.pattern === 'shared';
  const names = Array.from({ length: shared ? p.ops : 64 }, (_, i) => (shared ? `s-${i}` : `w${p.workerId}-${i}`));
  if (p.pattern === 'hit') for (const group of names) await s.create(shm, { group, build: noBuild, assign: () => undefined });
  // Warm-up on names outside the measured set, so the timed part runs optimised code, not a cold isolate.
  for (let i = 0; i < p.warmupOps; i++) {
    const group = `warm-${p.workerId}-${i & 63}`;
    const out = await s.create(shm, { group, build: noBuild, assign: () => undefined });
    s.unregister(shm, group, out.instanceId);
    await s.create(shm, { group: `warmhit-${p.workerId}-${i & 63}`, build: noBuild, assign: () => undefined });
  }
  await barrier(ctl);
  const t0 = performance.now();
  for (let i = 0; i < p.ops; i++) {
    const group = names[shared ? i : i & 63]!;
    const out = await s.create(shm, { group, build: noBuild, assign: () => undefined });
    if (p.pattern === 'disjoint') s.unregister(shm, group, out.instanceId);
  }
  const elapsedMs = performance.now() - t0;
  ctl.add('done');
  return elapsedMs;
}

/** The obvious JavaScript alternative: the registry is a Map on the main thread, reached by postMessage round trips. */
export async function runPostMessage(p: PostMessagePlan): Promise<number> {
  const ctl = new SharedCounters(GOC_COUNTERS, p.ctl);
  let seq = 0;
  const pending = new Map<number, (id: number) => void>();
  p.port.on('message', (m: { seq: number; id: number }) => {
    pending.get(m.seq)?.(m.id);
    pending.delete(m.seq);
  });
  const call = (op: 'goc' | 'del', name: string): Promise<number> =>
    new Promise((resolve) => {
      pending.set(++seq, resolve);
      p.port.postMessage({ seq, op, name });
    });
  if (p.pattern === 'hit') for (let i = 0; i < 64; i++) await call('goc', `w${p.workerId}-${i}`);
  for (let i = 0; i < p.warmupOps / 10; i++) await call('goc', `w${p.workerId}-${i & 63}`);
  await barrier(ctl);
  const t0 = performance.now();
  for (let i = 0; i < p.ops; i++) {
    const name = `w${p.workerId}-${i & 63}`;
    await call('goc', name);
    if (p.pattern === 'disjoint') await call('del', name);
  }
  const elapsedMs = performance.now() - t0;
  p.port.close();
  ctl.add('done');
  return elapsedMs;
}

/** The main-thread side of the postMessage registry. */
export function servePostMessageRegistry(port: MessagePort): void {
  const map = new Map<string, number>();
  let next = 1;
  port.on('message', (m: { seq: number; op: 'goc' | 'del'; name: string }) => {
    if (m.op === 'del') {
      map.delete(m.name);
      port.postMessage({ seq: m.seq, id: 0 });
      return;
    }
    let id = map.get(m.name);
    if (id === undefined) map.set(m.name, (id = next++));
    port.postMessage({ seq: m.seq, id });
  });
}
