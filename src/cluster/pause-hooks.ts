import { forcedGate, PAUSE_COUNTERS } from '../create/pause.js';
import type { StrategyName } from '../create/strategy.js';
import { SharedCounters } from '../shm/sync-primitives.js';
import type { CreateHooks } from './create-raft-group.js';
import type { CreatePause } from './protocol.js';

/**
 * Test choreography as data: a test posts a {@link CreatePause} with a create task (functions
 * cannot cross threads), and the worker turns it into {@link CreateHooks} here. The server model
 * itself carries no choreography: it only calls the hooks it is given. Callers meet at a start
 * barrier; each builder holds its window open until the strategy's gate opens (create/pause.ts).
 */
export function hooksFromPause(strategy: StrategyName, pause: CreatePause | undefined): CreateHooks {
  if (!pause) return {};
  const ctl = new SharedCounters(PAUSE_COUNTERS, pause.ctl);
  const [gate, target] = forcedGate(strategy, pause.callers);
  return {
    arrive: async () => {
      ctl.add('arrived');
      await ctl.waitAtLeast('arrived', pause.callers, pause.timeoutMs);
    },
    inWindow: async () => {
      ctl.add('built');
      await ctl.waitAtLeast(gate, target, pause.timeoutMs);
    },
    probe: { beforeCheck: () => ctl.add('atCheck'), beforePark: () => ctl.add('parked') },
  };
}
