import { mkdir, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { writeFileAtomic } from '../scenario/atomic-write.js';
import type { ScenarioResult } from '../scenario/result.js';
import { runScenario } from '../scenario/run.js';
import { natsTargetOf, runOnTarget } from './target-run.js';
import { BadInput } from './bad-input.js';
import { colorEnabled, paint } from './color.js';
import { crashAfterOf, resolveConfig, type RawFlags } from './config-input.js';
import { EXIT, exitCodeOf, type ExitCode } from './exit-codes.js';
import { onInterrupt } from './interrupt.js';
import { usePrivateTmp } from './private-tmp.js';
import { createProgress } from './progress.js';
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
 * `raftrace run`: resolve and validate the config (bad input throws before anything runs or is
 * written), print the seed first, run with progress on stderr, then print and write the result.
 * Returns the exit code.
 */
export async function runCommand(raw: RawFlags & RunFlags): Promise<ExitCode> {
  const resolved = await resolveConfig(raw);
  const nats = await natsTargetOf(resolved.config, raw);
  const config = nats?.config ?? resolved.config;
  const crashWorkerAfterGroups = crashAfterOf(raw.injectCrashAfter);
  if (raw.out !== undefined) await checkOutPath(raw.out);
  if (raw.log !== undefined) await prepareLogDir(raw.log);
  const err = process.stderr;
  err.write(`seed ${config.seed} (replay with --seed ${config.seed})\n`);

  const storeParentDir = usePrivateTmp();
  const progress = createProgress({ stream: err, enabled: raw.progress !== false });
  const { signal, interrupted } = onInterrupt({
    first: () => progress.note('raftrace: interrupted: stopping the run and reporting what was done (Ctrl-C again to exit now)'),
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

  const json = `${JSON.stringify(result, null, 2)}\n`;
  if (raw.json === true) process.stdout.write(json);
  else process.stdout.write(renderSummary(result, paint(colorEnabled(process.stdout))));
  if (result.harnessFailure !== null) err.write(`raftrace: harness failure: ${result.harnessFailure}\n`);

  const code = exitCodeOf(result, interrupted());
  if (raw.out !== undefined) {
    try {
      await writeFileAtomic(raw.out, json);
    } catch (e) {
      err.write(`raftrace: --out: could not write ${JSON.stringify(raw.out)}: ${e instanceof Error ? e.message : String(e)}\n`);
      return code === EXIT.ok ? EXIT.harnessFailure : code;
    }
  }
  return code;
}

/** An --out that is an existing directory is bad input, found before the run rather than after it. */
async function checkOutPath(out: string): Promise<void> {
  const s = await stat(out).catch(() => null);
  if (s?.isDirectory()) throw new BadInput('--out', 'a file path (not a directory)', out);
}

/** The workers open `<prefix>.w<N>.log` themselves and lose lines silently if the dir is missing: create it. */
async function prepareLogDir(prefix: string): Promise<void> {
  try {
    await mkdir(dirname(prefix), { recursive: true });
  } catch (e) {
    throw new BadInput('--log', 'a path prefix in a writable directory', prefix, (e as NodeJS.ErrnoException).code ?? String(e));
  }
}
