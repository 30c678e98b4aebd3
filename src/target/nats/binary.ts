import { execFile } from 'node:child_process';
import { access, constants } from 'node:fs/promises';
import { delimiter, isAbsolute, join } from 'node:path';

/** How to get the binary, in the one line a user sees when it is missing. */
export const INSTALL_HINT = 'install it with `apt-get install nats-server` (Debian/Ubuntu ships 2.9.10) or pass --nats-server <path>';

/** `nats-server --version` must answer within this, or the binary is not usable. */
const VERSION_TIMEOUT_MS = 5_000;

/** A usable nats-server binary: its absolute path and the version it reports. */
export interface NatsBinary {
  readonly path: string;
  /** e.g. `2.9.10` (from `nats-server: v2.9.10`). */
  readonly version: string;
}

/** Expected outcome, not a bug: the binary is missing or does not answer like nats-server. */
export class NatsBinaryUnavailable extends Error {
  override readonly name = 'NatsBinaryUnavailable';
  constructor(
    readonly given: string,
    readonly why: string,
  ) {
    super(`${given}: ${why}; ${INSTALL_HINT}`);
  }
}

/**
 * Finds the binary: `explicit` if given (a path, or a name looked up on PATH), else `nats-server`
 * on PATH and then /usr/sbin (where Debian installs it, often not on a non-root PATH). Runs
 * `--version` to prove it is nats-server. Throws NatsBinaryUnavailable.
 */
export async function findNatsServer(explicit?: string, envPath = process.env.PATH ?? ''): Promise<NatsBinary> {
  const wanted = explicit ?? 'nats-server';
  const candidates = isAbsolute(wanted) || wanted.includes('/') ? [wanted] : [...envPath.split(delimiter).filter((d) => d !== ''), '/usr/sbin', '/usr/local/sbin'].map((d) => join(d, wanted));
  let path: string | undefined;
  for (const c of candidates) {
    if (await access(c, constants.X_OK).then(() => true, () => false)) {
      path = c;
      break;
    }
  }
  if (path === undefined) throw new NatsBinaryUnavailable(wanted, candidates.length > 1 ? 'not found on PATH or in /usr/sbin' : 'not an executable file');
  return { path, version: await versionOf(path, wanted) };
}

function versionOf(path: string, given: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(path, ['--version'], { timeout: VERSION_TIMEOUT_MS, encoding: 'utf8' }, (err, stdout) => {
      const m = /nats-server:?\s+v?(\d+\.\d+\.\d+\S*)/.exec(stdout);
      if (err !== null || m === null) reject(new NatsBinaryUnavailable(given, `\`${path} --version\` did not print a nats-server version${err ? ` (${err.message.split('\n')[0]})` : ''}`));
      else resolve(m[1]!);
    });
  });
}
