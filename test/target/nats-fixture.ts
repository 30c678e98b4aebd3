import { readdir, readFile } from 'node:fs/promises';
import { findNatsServer, type NatsBinary } from '../../src/target/index.js';

/**
 * The binary for the real-cluster tests, or the reason they are skipped (printed by the runner as
 * the skip message): these tests need nats-server (`.ci/run` installs it with apt when missing).
 */
export async function natsOrSkipReason(): Promise<NatsBinary | string> {
  try {
    return await findNatsServer(process.env.RAFTRACE_NATS_SERVER);
  } catch (e) {
    return `nats-server not available: ${e instanceof Error ? e.message : String(e)}`;
  }
}

/** Pids of live processes whose command line mentions `path` (a cluster's temp dir): must be none after a stop. */
export async function processesMentioning(path: string): Promise<number[]> {
  const out: number[] = [];
  for (const name of await readdir('/proc')) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    const cmd = await readFile(`/proc/${name}/cmdline`, 'utf8').catch(() => '');
    if (cmd.includes(path) && !cmd.includes('--test')) out.push(Number(name));
  }
  return out;
}

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
