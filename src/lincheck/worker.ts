// Thread shell of a lincheck recorder: runs one session's rounds per message, reports each end.
// Refused calls (publish of a stale id) throw ShmError by design; without stack capture they cost
// ~1 µs instead of ~10 µs, which keeps the recorded operations dense enough to overlap.
import { parentPort } from 'node:worker_threads';
import { runRecorder } from './recorder.js';
import type { WorkerPlan } from './worker-plan.js';

Error.stackTraceLimit = 0;
parentPort?.on('message', (plan: WorkerPlan) => {
  runRecorder(plan).then(
    () => parentPort?.postMessage({ ok: true, session: plan.session }),
    (e: unknown) => parentPort?.postMessage({ ok: false, session: plan.session, error: e instanceof Error ? (e.stack ?? e.message) : String(e) }),
  );
});
