import { racy } from './racy.js';
import type { CreationStrategy } from './strategy.js';

/**
 * TEST ONLY (needs `RAFTRACE_TEST_HOOKS=1`): a strategy that *claims* atomicity — it is judged as
 * an atomic strategy, so any duplicate or leak it causes is a FORBIDDEN outcome — but *behaves*
 * like racy: check under the lock, release it, build, register with a blind overwrite,
 * unregister by name. It exists to drive the forbidden path (census → verdict → exit 3 → bench)
 * end to end with a real bug, since the real atomic strategies never produce one.
 */
export const brokenCas: CreationStrategy = {
  name: 'broken-cas',
  create: (server, req) => racy.create(server, req),
  unregister: (server, group, instanceId) => racy.unregister(server, group, instanceId),
};
