// Thread shell of the gate's get-or-create benchmark: runs the plan, reports failure as data.
import { parentPort, workerData } from 'node:worker_threads';
import { runGocReps, type GocRepsPlan } from './goc-reps.js';

runGocReps(workerData as GocRepsPlan).then(
  (r) => parentPort?.postMessage({ ok: true, ...r }),
  (e: unknown) => parentPort?.postMessage({ ok: false, error: e instanceof Error ? (e.stack ?? e.message) : String(e) }),
);
