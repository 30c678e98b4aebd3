// Thread shell only: runs one get-or-create plan and reports failure as data.
import { parentPort, workerData } from 'node:worker_threads';
import { runGoc, runPostMessage, type GocPlan, type PostMessagePlan } from './goc-driver.js';

const plan = workerData as GocPlan | PostMessagePlan;
(plan.kind === 'shm' ? runGoc(plan) : runPostMessage(plan)).then(
  (elapsedMs) => parentPort?.postMessage({ ok: true, elapsedMs }),
  (e: unknown) => parentPort?.postMessage({ ok: false, error: e instanceof Error ? e.stack ?? e.message : String(e) }),
);
