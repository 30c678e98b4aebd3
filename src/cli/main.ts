#!/usr/bin/env node
import { CommanderError } from 'commander';
import { BadInput, oneLine } from './bad-input.js';
import { EXIT } from './exit-codes.js';
import { buildProgram, commanderExitCode } from './program.js';
import { runCommand } from './run-command.js';
import { gateCommand } from './gate-command.js';

/** A last resort: if something still holds the event loop after the exit code is known, exit anyway. */
const LINGER_MS = 10_000;

async function main(argv: readonly string[]): Promise<number> {
  let code: number = EXIT.ok;
  const program = buildProgram(
    async (opts) => {
      code = await runCommand(opts);
    },
    async (opts) => {
      code = await gateCommand(opts);
    },
  );
  try {
    await program.parseAsync(argv);
  } catch (e) {
    if (e instanceof CommanderError) return commanderExitCode(e.exitCode);
    if (e instanceof BadInput) {
      process.stderr.write(`raftrace: ${oneLine(e.message)}\n`);
      return EXIT.badInput;
    }
    process.stderr.write(`raftrace: harness failure: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    return EXIT.harnessFailure;
  }
  return code;
}

// Write errors on stdout are handled where the result is written (result-output.ts: a reader that
// went away is fine, a full device is a harness failure said in one line); never an uncaught throw.
process.stdout.on('error', () => undefined);

main(process.argv).then(
  (code) => {
    process.exitCode = code;
    setTimeout(() => {
      process.stderr.write(`raftrace: warning: still running ${LINGER_MS} ms after the end; exiting\n`);
      process.exit(code);
    }, LINGER_MS).unref();
  },
  (e: unknown) => {
    process.stderr.write(`raftrace: ${String(e)}\n`);
    process.exit(EXIT.harnessFailure);
  },
);
