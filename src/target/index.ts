import type { StrategyName } from '../create/strategy.js';
import type { ScenarioConfig } from '../scenario/config.js';
import { findNatsServer, NatsBinaryUnavailable, type NatsBinary } from './nats/binary.js';
import { strategyOfVersion } from './nats/version.js';

export { runNatsScenario, type NatsRunOptions } from './nats/run.js';
export { INSTALL_HINT, findNatsServer, type NatsBinary } from './nats/binary.js';

/** Bad input for the nats target, with the parts of the CLI's one-line message. */
export class TargetInputError extends Error {
  override readonly name = 'TargetInputError';
  constructor(
    readonly field: string,
    readonly allowed: string,
    readonly got: unknown,
    readonly detail?: string,
  ) {
    super(`${field}: must be ${allowed}`);
  }
}

export interface PreparedNatsTarget {
  readonly binary: NatsBinary;
  /** The config with the strategy the server version runs. */
  readonly config: ScenarioConfig;
}

/**
 * Checks the flags of a nats-target run before anything starts: a usable binary (else bad input
 * saying how to install it), a version whose creation path is known, and no --strategy other than
 * the one that version runs (a real server's creation path is its version's).
 */
export async function prepareNatsTarget(config: ScenarioConfig, natsServer: string | undefined, strategyGiven: boolean): Promise<PreparedNatsTarget> {
  let binary: NatsBinary;
  try {
    binary = await findNatsServer(natsServer);
  } catch (e) {
    if (!(e instanceof NatsBinaryUnavailable)) throw e;
    throw new TargetInputError('--nats-server', 'a nats-server binary', e.given, `${e.why}; ${e.message.slice(e.message.indexOf('install'))}`);
  }
  const strategy: StrategyName | null = strategyOfVersion(binary.version);
  if (strategy === null) throw new TargetInputError('--nats-server', 'a nats-server that prints a dotted version', binary.path, `it printed ${JSON.stringify(binary.version)}`);
  if (strategyGiven && config.strategy !== strategy) {
    throw new TargetInputError('--strategy', `${strategy} or omitted with --target nats (nats-server ${binary.version} runs the ${strategy} creation path)`, config.strategy);
  }
  return { binary, config: { ...config, strategy } };
}
