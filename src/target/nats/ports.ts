import { createServer } from 'node:net';

/** Every address this target binds or dials. Loopback only: nothing is exposed beyond the machine. */
export const LOOPBACK = '127.0.0.1';

/**
 * `n` distinct free TCP ports on 127.0.0.1, found by binding port 0 and closing. All are held open
 * until every one is found, so they are distinct; another process can still take one between the
 * close and the server's bind, which the cluster start detects (a server that fails to bind exits)
 * and retries with fresh ports.
 */
export async function freePorts(n: number): Promise<number[]> {
  if (!Number.isInteger(n) || n < 1 || n > 64) throw new RangeError(`freePorts: n must be an integer in [1, 64]; got ${n}`);
  const servers = Array.from({ length: n }, () => createServer());
  try {
    return await Promise.all(
      servers.map(
        (s) =>
          new Promise<number>((resolve, reject) => {
            s.once('error', reject);
            s.listen(0, LOOPBACK, () => {
              const a = s.address();
              if (a === null || typeof a === 'string') reject(new Error('freePorts: no TCP address'));
              else resolve(a.port);
            });
          }),
      ),
    );
  } finally {
    await Promise.all(servers.map((s) => new Promise<void>((resolve) => (s.listening ? s.close(() => resolve()) : resolve()))));
  }
}
