import type { ScenarioConfig } from '../scenario/config.js';
import type { RunProgress } from '../scenario/run.js';
import type { ScenarioResult } from '../scenario/result.js';
import { prepareNatsTarget, runNatsScenario, TargetInputError, type PreparedNatsTarget } from '../target/index.js';
import { BadInput } from './bad-input.js';
import type { RawFlags } from './config-input.js';

/**
 * `--target nats`: the binary and the flags checked before anything runs (bad input otherwise),
 * or undefined for the worker_threads target. Flags only the model reads are refused with nats.
 */
export async function natsTargetOf(config: ScenarioConfig, raw: RawFlags): Promise<PreparedNatsTarget | undefined> {
  if (config.target !== 'nats') {
    if (raw.natsServer !== undefined) throw new BadInput('--nats-server', 'used with --target nats', raw.natsServer);
    return undefined;
  }
  for (const flag of ['log', 'injectCrashAfter'] as const) {
    if (raw[flag] !== undefined) throw new BadInput(flag === 'log' ? '--log' : '--inject-crash-after', 'used with --target workers (the worker_threads model), not nats', raw[flag]);
  }
  try {
    return await prepareNatsTarget(config, typeof raw.natsServer === 'string' ? raw.natsServer : undefined, raw.strategy !== undefined);
  } catch (e) {
    if (e instanceof TargetInputError) throw new BadInput(e.field, e.allowed, e.got, e.detail);
    throw e;
  }
}

/** Runs the prepared nats target with the CLI's signal, private temp dir and progress. */
export function runOnTarget(t: PreparedNatsTarget, signal: AbortSignal, parentDir: string, onProgress: (p: RunProgress) => void): Promise<ScenarioResult> {
  return runNatsScenario(t.config, t.binary, { signal, parentDir, onProgress });
}
