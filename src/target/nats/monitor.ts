import { get } from 'node:http';
import { LOOPBACK } from './ports.js';

/** No monitoring request waits longer than this. */
export const MONITOR_TIMEOUT_MS = 5_000;
/** A /stacksz dump of a few thousand goroutines is a few MB; refuse anything absurd. */
const BODY_BYTES_MAX = 64 * 1024 * 1024;

export interface HttpReply {
  readonly status: number;
  readonly body: string;
}

/** GET http://127.0.0.1:<port><path>, bounded in time and size; rejects on network errors. */
export function monitorGet(port: number, path: string, timeoutMs = MONITOR_TIMEOUT_MS): Promise<HttpReply> {
  return new Promise((resolve, reject) => {
    const req = get({ host: LOOPBACK, port, path, timeout: timeoutMs, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        size += c.length;
        if (size > BODY_BYTES_MAX) req.destroy(new Error(`${path}: body larger than ${BODY_BYTES_MAX} bytes`));
        else chunks.push(c);
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`${path}: no answer within ${timeoutMs} ms`)));
    req.on('error', reject);
  });
}

/** The Raft nodes a server really runs: goroutines sitting in `(*raft).run` in its /stacksz dump. */
export function countRaftRunGoroutines(stacks: string): number {
  let n = 0;
  // One goroutine per blank-line-separated block; count blocks whose frames include (*raft).run(.
  for (const block of stacks.split(/\n\s*\n/)) if (/\(\*raft\)\.run\(/.test(block)) n++;
  return n;
}
