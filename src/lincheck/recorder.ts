import { Prng } from '../env/prng.js';
import { SharedClock } from '../shm/shared-clock.js';
import { SharedRegistry } from '../shm/shared-registry.js';
import { SharedCounters } from '../shm/sync-primitives.js';
import { profileById } from './profiles.js';
import { REC_WORDS } from './history.js';
import { WorkloadThread } from './workload.js';
import { CTL_COUNTERS, ROUND_TIMEOUT_MS, type WorkerPlan } from './worker-plan.js';

/**
 * One recorder thread: for round r = 1, 2, … it waits for the driver to open the round, runs its
 * operations into its part of the shared log, and reports done. All threads of a round start behind
 * the same barrier, so their operations overlap.
 */
export async function runRecorder(p: WorkerPlan): Promise<void> {
  const profile = profileById(p.profile);
  const reg = SharedRegistry.attach(p.registry, p.thread);
  const ctl = new SharedCounters(CTL_COUNTERS, p.ctl);
  const rng = new Prng(p.seed);
  if (p.pauseChance > 0) installPauses(reg, rng.fork('pauses'), p.pauseChance);
  const thread = new WorkloadThread(reg, new SharedClock(p.clock), p.thread, rng.fork('ops'));
  const log = new Int32Array(p.log, p.thread * profile.opsPerThread * REC_WORDS * 4, profile.opsPerThread * REC_WORDS);
  for (let round = 1; ; round++) {
    await ctl.waitAtLeast('round', round, ROUND_TIMEOUT_MS);
    if (ctl.get('stop') !== 0) return;
    thread.run(profile.names(round), profile.opsPerThread, log);
    ctl.add('done');
  }
}

/** Busy-waits a random while at the registry's pause points, so another thread's steps land inside the window. */
function installPauses(reg: SharedRegistry, rng: Prng, chance: number): void {
  let sink = 0;
  const pause = () => {
    if (!rng.chance(chance)) return;
    const n = rng.intBetween(0, 2000);
    for (let i = 0; i < n; i++) sink = (sink * 31 + i) | 0;
  };
  reg.setTestHooks({ beforeStateReread: pause, betweenExchangeAndWaiterCheck: pause });
}
