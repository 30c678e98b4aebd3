import { LOOPBACK } from './ports.js';

/** The ports of one server of the cluster. */
export interface ServerPorts {
  readonly client: number;
  readonly cluster: number;
  readonly http: number;
}

/** One server's generated configuration inputs. */
export interface ServerSpec {
  readonly name: string;
  readonly ports: ServerPorts;
  readonly storeDir: string;
  readonly logFile: string;
}

/** The cluster's name in every config (routes only join servers of the same name). */
export const CLUSTER_NAME = 'raftrace';

const quote = (s: string): string => JSON.stringify(s);

/**
 * The nats-server configuration of server `i` of `all`: loopback listeners only, JetStream with a
 * private store dir, routes to every server (its own included, which nats-server ignores), and a
 * log file with microsecond timestamps. `debug` is on because the log scan needs the "Starting /
 * Exiting consumer monitor … [C-R3F-…]" lines: they are the only place 2.9.10 names the Raft group
 * of a consumer, and the exit line is the moment the group was deleted on that server.
 */
export function serverConfigText(i: number, all: readonly ServerSpec[]): string {
  const me = all[i];
  if (me === undefined) throw new RangeError(`serverConfigText: no server ${i} of ${all.length}`);
  const routes = all.map((s) => `    nats-route://${LOOPBACK}:${s.ports.cluster}`).join('\n');
  return [
    `server_name: ${quote(me.name)}`,
    `listen: "${LOOPBACK}:${me.ports.client}"`,
    `http: "${LOOPBACK}:${me.ports.http}"`,
    `log_file: ${quote(me.logFile)}`,
    'logtime: true',
    'debug: true',
    'trace: false',
    'jetstream {',
    `  store_dir: ${quote(me.storeDir)}`,
    '  max_memory_store: 64MB',
    '  max_file_store: 1GB',
    '}',
    'cluster {',
    `  name: ${CLUSTER_NAME}`,
    `  listen: "${LOOPBACK}:${me.ports.cluster}"`,
    '  routes: [',
    routes,
    '  ]',
    '}',
    '',
  ].join('\n');
}
