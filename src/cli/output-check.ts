import { constants } from 'node:fs';
import { mkdir, open, rm, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { NotARegularFile, writeTargetOf } from '../scenario/atomic-write.js';
import { BadInput } from './bad-input.js';

/** Bytes the probe writes: enough to hit a full disk (ENOSPC), not just a full inode table. */
const PROBE_BYTES = 4096;

/**
 * Checks, before anything runs, that `path` can be written as an output file, and returns the
 * file a write will replace (see writeTargetOf). A whole run used to happen and then fail to
 * write. Throws BadInput naming `flag` for: a directory, device, FIFO, socket or dangling link (a
 * device is never replaced); a parent that cannot be created (`/etc/hostname/x.json`); a directory
 * that cannot be written (read-only, full, /proc). Nothing is left behind: the probe is removed and
 * no missing directory is created here.
 */
export async function checkOutputFile(flag: string, path: string): Promise<string> {
  let target: string;
  try {
    target = await writeTargetOf(path);
  } catch (e) {
    if (e instanceof NotARegularFile) throw new BadInput(flag, 'a regular file path (not a directory, device, FIFO, socket or dangling link)', path, e.kind);
    throw new BadInput(flag, 'a path that can be looked up', path, codeOf(e));
  }
  await probeDir(flag, path, dirname(resolve(target)));
  return target;
}

/** Checks that files can be created in `dir`, or in its nearest existing ancestor if it is missing. */
export async function probeDir(flag: string, shown: string, dir: string): Promise<void> {
  let at = dir;
  for (;;) {
    const s = await stat(at).catch((e: NodeJS.ErrnoException) => (e.code === 'ENOENT' || e.code === 'ENOTDIR' ? null : Promise.reject(e))).catch((e: unknown) => {
      throw new BadInput(flag, 'a path in a writable directory', shown, codeOf(e));
    });
    if (s !== null) {
      if (!s.isDirectory()) throw new BadInput(flag, 'a path whose parent directories can be created', shown, `${at} is not a directory`);
      break;
    }
    const up = dirname(at);
    if (up === at) throw new BadInput(flag, 'a path in a writable directory', shown, 'no existing parent');
    at = up;
  }
  const probe = join(at, `.raftrace-probe-${process.pid}-${Math.random().toString(36).slice(2, 10)}`);
  try {
    const fh = await open(probe, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
    try {
      await fh.write(Buffer.alloc(PROBE_BYTES));
      await fh.sync();
    } finally {
      await fh.close();
    }
  } catch (e) {
    throw new BadInput(flag, 'a path in a writable directory', shown, `${codeOf(e)} writing in ${at}`);
  } finally {
    await rm(probe, { force: true });
  }
}

/**
 * --log <prefix>: the workers write `<prefix>.w<N>.log` and lost lines silently when they could
 * not. Checked before the run: not a directory prefix, no directory or device in the way of a log
 * file, and a writable directory (created here, as the workers need it).
 */
export async function checkLogPrefix(prefix: string, workers: number): Promise<void> {
  if (prefix === '' || prefix.endsWith('/')) throw new BadInput('--log', 'a path prefix for files <prefix>.w<N>.log (not a directory)', prefix);
  const s = await stat(prefix).catch(() => null);
  if (s?.isDirectory()) throw new BadInput('--log', 'a path prefix for files <prefix>.w<N>.log (not a directory)', prefix);
  for (let w = 0; w < workers; w++) {
    const file = `${prefix}.w${w}.log`;
    try {
      await writeTargetOf(file);
    } catch (e) {
      throw new BadInput('--log', 'a path prefix whose log files are regular files', prefix, e instanceof NotARegularFile ? `${file} is ${e.kind}` : codeOf(e));
    }
  }
  await probeDir('--log', prefix, dirname(resolve(prefix)));
  try {
    await mkdir(dirname(resolve(prefix)), { recursive: true });
  } catch (e) {
    throw new BadInput('--log', 'a path prefix in a writable directory', prefix, codeOf(e));
  }
}

/** True if `a` and `b` are the same existing file (the --config file must never be overwritten by --out). */
export async function sameFile(a: string, b: string): Promise<boolean> {
  const [sa, sb] = await Promise.all([stat(a).catch(() => null), stat(b).catch(() => null)]);
  return sa !== null && sb !== null && sa.dev === sb.dev && sa.ino === sb.ino;
}

export function codeOf(e: unknown): string {
  return (e as NodeJS.ErrnoException | null)?.code ?? (e instanceof Error ? e.message : String(e));
}
