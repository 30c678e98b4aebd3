import { setTimeout as sleep } from 'node:timers/promises';
import type { NatsConnection } from '@nats-io/transport-node';
import type { JetStreamManager } from '@nats-io/jetstream';
import type { RunningServer } from './cluster.js';
import { monitorGet } from './monitor.js';

/**
 * What runs beside the consumer churn on a real server, each loop bounded in count and stopped by
 * `stop`: the health check (2.9.10's full /healthz takes js.mu and walks every assigned asset; it
 * restarts nothing in this version), stream updates (a meta proposal and a stream-group change
 * applied on every server), and the publish load that keeps the stream's Raft group busy.
 */
export const CONTENDER_LIMITS = {
  healthEveryMs: 100,
  healthMax: 20_000,
  streamUpdateEveryMs: 1_000,
  streamUpdatesMax: 1_000,
  publishTickMs: 20,
  publishTicksMax: 60_000,
  /** The publish rate is capped here whatever the knob asks. */
  publishPerSecondMax: 5_000,
  payloadBytes: 1024,
} as const;

export interface ContenderCounts {
  healthChecks: number;
  healthUnavailable: number;
  healthErrors: number;
  streamUpdates: number;
  streamUpdateErrors: number;
  published: number;
  /** Publishes refused by the client (its connection closed): the load stops at the first. */
  publishErrors: number;
  /** The first non-200 /healthz answer, as the server worded it. */
  healthSample: string | null;
}

export function emptyContenderCounts(): ContenderCounts {
  return { healthChecks: 0, healthUnavailable: 0, healthErrors: 0, streamUpdates: 0, streamUpdateErrors: 0, published: 0, publishErrors: 0, healthSample: null };
}

export interface Contenders {
  /** Stops every loop and resolves when all have ended. */
  stop(): Promise<void>;
}

export function startContenders(
  servers: readonly RunningServer[],
  nc: NatsConnection,
  jsm: JetStreamManager,
  stream: string,
  subject: string,
  publishPerSecond: number,
  counts: ContenderCounts,
): Contenders {
  const ctl = new AbortController();
  const wait = (ms: number): Promise<boolean> => sleep(ms, true, { signal: ctl.signal }).catch(() => false);
  const health = servers.map(async (s) => {
    for (let i = 0; i < CONTENDER_LIMITS.healthMax && (await wait(CONTENDER_LIMITS.healthEveryMs)); i++) {
      const r = await monitorGet(s.ports.http, '/healthz').catch(() => null);
      counts.healthChecks++;
      if (r === null) counts.healthErrors++;
      else if (r.status !== 200) {
        counts.healthUnavailable++;
        counts.healthSample ??= `${s.name} ${r.status} ${r.body.trim().slice(0, 200)}`;
      }
    }
  });
  const updates = (async () => {
    for (let i = 0; i < CONTENDER_LIMITS.streamUpdatesMax && (await wait(CONTENDER_LIMITS.streamUpdateEveryMs)); i++) {
      try {
        await jsm.streams.update(stream, { description: `raftrace update ${i}` });
        counts.streamUpdates++;
      } catch {
        counts.streamUpdateErrors++;
      }
    }
  })();
  const rate = Math.min(publishPerSecond, CONTENDER_LIMITS.publishPerSecondMax);
  const publish = (async () => {
    if (rate <= 0) return;
    const payload = new Uint8Array(CONTENDER_LIMITS.payloadBytes);
    let owed = 0;
    for (let i = 0; i < CONTENDER_LIMITS.publishTicksMax && (await wait(CONTENDER_LIMITS.publishTickMs)); i++) {
      owed += (rate * CONTENDER_LIMITS.publishTickMs) / 1000;
      for (; owed >= 1; owed--) {
        // publish throws once the connection is closed (reconnects exhausted under load): a throw
        // here would reject this loop unobserved until stop() and crash the process meanwhile.
        try {
          nc.publish(subject, payload);
        } catch {
          counts.publishErrors++;
          return;
        }
        counts.published++;
      }
      await nc.flush().catch(() => undefined); // back-pressure: never queue more than one tick ahead
    }
  })();
  return {
    async stop() {
      ctl.abort();
      await Promise.all([...health, updates, publish]);
    },
  };
}
