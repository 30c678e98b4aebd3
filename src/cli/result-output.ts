import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { writeFileAtomic } from '../scenario/atomic-write.js';
import type { ScenarioResult } from '../scenario/result.js';
import { codeOf } from './output-check.js';

/** Writes `text` to stdout; resolves with the write's error (EPIPE included), or null. */
export function writeStdout(text: string): Promise<NodeJS.ErrnoException | null> {
  return new Promise((resolveWrite) => {
    process.stdout.write(text, (e) => resolveWrite((e as NodeJS.ErrnoException | null | undefined) ?? null));
  });
}

/**
 * Delivers a finished run's result: the JSON to --out first (so a failing stdout cannot lose it),
 * then the human summary (or the JSON) to stdout. If --out cannot be written after all, or stdout
 * fails (a full device; a reader that went away is fine), the JSON is kept in a fallback file and
 * stderr says where. Returns false if something the user asked for was not delivered.
 */
export async function deliverResult(result: ScenarioResult, o: { readonly out?: string; readonly human: string | null; readonly err: NodeJS.WritableStream }): Promise<boolean> {
  const json = `${JSON.stringify(result, null, 2)}\n`;
  let ok = true;
  let kept = false;
  if (o.out !== undefined) {
    try {
      await writeFileAtomic(o.out, json);
      kept = true;
    } catch (e) {
      ok = false;
      o.err.write(`raftrace: --out: could not write ${JSON.stringify(o.out)}: ${codeOf(e)}${saveFallback(result, json, o.err)}\n`);
      kept = true; // saveFallback said where, or that it could not
    }
  }
  const failed = await writeStdout(o.human ?? json);
  if (failed !== null && failed.code !== 'EPIPE') {
    ok = false;
    o.err.write(`raftrace: stdout: could not write the result: ${failed.code ?? failed.message}${kept ? '' : saveFallback(result, json, o.err)}\n`);
  }
  return ok;
}

/** Saves the JSON beside the OS temp dir's other files, else in the working dir; returns the clause saying where. */
function saveFallback(result: ScenarioResult, json: string, err: NodeJS.WritableStream): string {
  const name = `raftrace-result-${result.seed}-${process.pid}.json`;
  for (const dir of [tmpdir(), process.cwd()]) {
    const path = resolve(join(dir, name));
    try {
      writeFileSync(path, json, { flag: 'wx' });
      return `; the result was saved to ${path}`;
    } catch {
      // try the next place
    }
  }
  err.write(json);
  return '; the result could not be saved anywhere: it is on stderr above';
}
