import { tmpdir } from 'node:os';
import type { ScenarioResult } from '../scenario/result.js';
import { BadInput } from './bad-input.js';
import { colorEnabled, paint } from './color.js';
import { crashAfterOf, resolveConfig, type RawFlags } from './config-input.js';
import { EXIT, exitCodeOf, type ExitCode } from './exit-codes.js';
import { onInterrupt } from './interrupt.js';
import { checkLogPrefix, checkOutputFile, codeOf, sameFile } from './output-check.js';
import { usePrivateTmp } from './private-tmp.js';
import { createProgress } from './progress.js';
import { deliverResult } from './result-output.js';
import { renderSummary } from './summary.js';

/** Flags of `raftrace run` that are not config fields. */
interface RunFlags {
  readonly json?: boolean;
  readonly out?: string;
  readonly log?: string;
  readonly progress?: boolean;
  readonly injectCrashAfter?: string;
  readonly natsServer?: string;
}

/**
 * `raftrace run`: resolve and validate the config and check every output location (bad input
 * throws before anything runs or is written), print the seed first, run with progress on stderr,
 * then write and print the result. Returns the exit code.
 */
export async function runCommand(raw: RawFlags & RunFlags): Promise<ExitCode> {
  const resolved = await resolveConfig(raw);
  // Loaded only once the flags are valid: bad input (most CLI calls in the tests, and a user's typo)
  // should not pay for the scenario, worker pool and NATS client modules.
  const { natsTargetOf, runOnTarget } = await import('./target-run.js');
  const { runScenario } = await import('../scenario/run.js');
  const nats = await natsTargetOf(resolved.config, raw);
  const config = nats?.config ?? resolved.config;
  const crashWorkerAfterGroups = crashAfterOf(raw.injectCrashAfter);
  if (raw.out !== undefined) {
    if (typeof raw.config === 'string' && (await sameFile(raw.config, raw.out))) throw new BadInput('--out', 'a different file from --config (it would overwrite the config)', raw.out);
    await checkOutputFile('--out', raw.out);
  }
  const storeParentDir = privateTmpOrBadInput();
  if (raw.log !== undefined) await checkLogPrefix(raw.log, config.workers);
  const err = process.stderr;
  err.write(`seed ${config.seed} (replay with --seed ${config.seed})\n`);

  const progress = createProgress({ stream: err, enabled: raw.progress !== false });
  const { signal, interrupted } = onInterrupt({
    first: () => progress.note('raftrace: interrupted: stopping the run and reporting what was done within 8 s (Ctrl-C again to exit now)'),
    second: () => {
      progress.stop();
      err.write('raftrace: interrupted twice: exiting now\n');
      process.exit(EXIT.interrupted);
    },
  });

  let result: ScenarioResult;
  try {
    result = nats ? await runOnTarget(nats, signal, storeParentDir, (p) => progress.update(p)) : await runScenario(config, {
      signal,
      storeParentDir,
      onProgress: (p) => progress.update(p),
      ...(raw.log !== undefined ? { logPath: raw.log } : {}),
      ...(crashWorkerAfterGroups !== undefined ? { crashWorkerAfterGroups } : {}),
    });
  } finally {
    progress.stop();
  }
  if (result.harnessFailure !== null) err.write(`raftrace: harness failure: ${result.harnessFailure}\n`);
  const code = exitCodeOf(result, interrupted());
  const human = raw.json === true ? null : renderSummary(result, paint(colorEnabled(process.stdout)));
  const delivered = await deliverResult(result, { ...(raw.out !== undefined ? { out: raw.out } : {}), human, err });
  return delivered || code !== EXIT.ok ? code : EXIT.harnessFailure;
}

/** The private parent of the run stores; a TMPDIR that cannot hold it is the environment's fault, said in one line. */
function privateTmpOrBadInput(): string {
  try {
    return usePrivateTmp();
  } catch (e) {
    throw new BadInput('TMPDIR', 'a writable directory with free space and inodes', tmpdir(), codeOf(e));
  }
}
