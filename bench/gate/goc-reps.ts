import { STRATEGIES, type StrategyName } from '../../src/create/index.js';
import { attachServerShm, type ServerShmBuffers } from '../../src/shm/server-shm.js';
import { SharedCounters } from '../../src/shm/sync-primitives.js';

export const REPS_COUNTERS = ['ready', 'go', 'done'] as const;

export interface GocRepsPlan {
  readonly server: ServerShmBuffers;
  readonly ctl: SharedArrayBuffer;
  readonly strategy: StrategyName;
  readonly workerId: number;
  /** shared: every thread asks for the same fresh names (one creation each, the rest find or wait); disjoint: per-thread names, created then unregistered. */
  readonly pattern: 'shared' | 'disjoint';
  readonly reps: number;
  readonly opsPerRep: number;
  readonly warmupOps: number;
}

export interface GocRepsResult {
  /** Elapsed ms of this thread's timed loop, per rep. */
  readonly elapsedMs: number[];
  /** shared pattern: the instance id this thread resolved each name to, rep by rep (for the duplicate check). */
  readonly instanceIds: number[];
}

const noBuild = async (): Promise<void> => undefined;

/**
 * `reps` short timed loops, each started by the main thread on a shared-memory barrier, so the
 * benchmark can keep the fastest rep: on a shared runner a rep that was preempted is slow, one that
 * was not is the code's own speed.
 */
export async function runGocReps(p: GocRepsPlan): Promise<GocRepsResult> {
  const shm = attachServerShm(p.server, p.workerId);
  const ctl = new SharedCounters(REPS_COUNTERS, p.ctl);
  const s = STRATEGIES[p.strategy];
  const req = (group: string) => ({ group, build: noBuild, assign: () => undefined });
  for (let i = 0; i < p.warmupOps; i++) {
    const group = `warm-${p.workerId}-${i & 63}`;
    const out = await s.create(shm, req(group));
    s.unregister(shm, group, out.instanceId);
  }
  const elapsedMs: number[] = [];
  const instanceIds: number[] = [];
  for (let r = 0; r < p.reps; r++) {
    const names = Array.from({ length: p.opsPerRep }, (_, i) => (p.pattern === 'shared' ? `r${r}-s-${i}` : `r${r}-w${p.workerId}-${i & 63}`));
    ctl.add('ready');
    await ctl.waitAtLeast('go', r + 1, 60_000);
    const t0 = performance.now();
    for (let i = 0; i < p.opsPerRep; i++) {
      const out = await s.create(shm, req(names[i]!));
      if (p.pattern === 'disjoint') s.unregister(shm, names[i]!, out.instanceId);
      else instanceIds.push(out.instanceId);
    }
    elapsedMs.push(performance.now() - t0);
    ctl.add('done');
  }
  return { elapsedMs, instanceIds };
}
