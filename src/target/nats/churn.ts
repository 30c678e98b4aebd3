import { setTimeout as sleep } from 'node:timers/promises';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { AckPolicy, jetstreamManager, StorageType, type JetStreamManager } from '@nats-io/jetstream';
import type { NatsCluster } from './cluster.js';
import { emptyContenderCounts, startContenders, type ContenderCounts } from './contenders.js';
import type { NatsChurnKnobs, NatsPlannedGroup } from './plan.js';

export const STREAM = 'RAFTRACE';
const SUBJECT = 'raftrace.load';

export const CHURN_LIMITS = {
  /** One JetStream API request waits at most this. */
  apiTimeoutMs: 30_000,
  connectTimeoutMs: 10_000,
  maxReconnectAttempts: 20,
  failureSamplesMax: 5,
  /** The stream's storage is capped so the publish load cannot fill the disk. */
  streamBytesMax: 256 * 1024 * 1024,
} as const;

/** What the churn measured on the client side. */
export interface ChurnOutcome {
  readonly createLatenciesMs: number[];
  createFailures: number;
  readonly deleteLatenciesMs: number[];
  deleteFailures: number;
  groupsCycled: number;
  churnSeconds: number;
  createSeconds: number;
  deleteSeconds: number;
  readonly failureSamples: string[];
  readonly contenders: ContenderCounts;
}

interface Client {
  readonly nc: NatsConnection;
  readonly jsm: JetStreamManager;
}

async function client(c: NatsCluster, name: string): Promise<Client> {
  const nc = await connect({ servers: c.urls(), name, timeout: CHURN_LIMITS.connectTimeoutMs, maxReconnectAttempts: CHURN_LIMITS.maxReconnectAttempts });
  try {
    return { nc, jsm: await jetstreamManager(nc, { timeout: CHURN_LIMITS.apiTimeoutMs }) };
  } catch (e) {
    await nc.close();
    throw e;
  }
}

/**
 * Runs the plan against the cluster: one R-replica file stream under publish load, then every group
 * as a durable consumer that `callersPerCreate` separate clients create at once (spread over
 * callerSpreadMs), that lives its lifetime and that client 0 deletes; `concurrency` groups in
 * flight. Abort stops issuing groups; a group already created is still deleted. Every client is
 * closed on every path.
 */
export async function runNatsChurn(c: NatsCluster, k: NatsChurnKnobs, plan: readonly NatsPlannedGroup[], signal: AbortSignal | undefined, onGroup: (n: number) => void): Promise<ChurnOutcome> {
  const out: ChurnOutcome = { createLatenciesMs: [], createFailures: 0, deleteLatenciesMs: [], deleteFailures: 0, groupsCycled: 0, churnSeconds: 0, createSeconds: 0, deleteSeconds: 0, failureSamples: [], contenders: emptyContenderCounts() };
  const clients: Client[] = [];
  try {
    for (let i = 0; i <= k.callersPerCreate; i++) clients.push(await client(c, `raftrace-${i === k.callersPerCreate ? 'admin' : `caller-${i}`}`));
    const admin = clients[k.callersPerCreate]!;
    await admin.jsm.streams.add({ name: STREAM, subjects: [SUBJECT], num_replicas: k.replicas, storage: StorageType.File, max_bytes: CHURN_LIMITS.streamBytesMax });
    const sample = (s: string): void => void (out.failureSamples.length < CHURN_LIMITS.failureSamplesMax && out.failureSamples.push(s));
    const createGroup = async (p: NatsPlannedGroup): Promise<void> => {
      await Promise.all(
        p.callerDelaysMs.map(async (delayMs, i) => {
          if (delayMs > 0) await sleep(delayMs);
          const t0 = performance.now();
          try {
            await clients[i]!.jsm.consumers.add(STREAM, { durable_name: p.consumer, ack_policy: AckPolicy.Explicit, num_replicas: k.replicas });
          } catch (e) {
            out.createFailures++;
            sample(`create ${p.consumer} (client ${i}): ${e instanceof Error ? e.message : String(e)}`);
          }
          out.createLatenciesMs.push(performance.now() - t0);
        }),
      );
    };
    const deleteGroup = async (p: NatsPlannedGroup): Promise<void> => {
      const t0 = performance.now();
      try {
        await clients[0]!.jsm.consumers.delete(STREAM, p.consumer);
      } catch (e) {
        out.deleteFailures++;
        sample(`delete ${p.consumer}: ${e instanceof Error ? e.message : String(e)}`);
      }
      out.deleteLatenciesMs.push(performance.now() - t0);
      onGroup(++out.groupsCycled);
    };
    const inParallel = async (items: readonly NatsPlannedGroup[], work: (p: NatsPlannedGroup) => Promise<void>): Promise<void> => {
      let next = 0;
      const runner = async (): Promise<void> => {
        while (next < items.length && !signal?.aborted) await work(items[next++]!);
      };
      await Promise.all(Array.from({ length: Math.min(k.concurrency, items.length) }, runner));
    };
    const contenders = startContenders(c.servers, admin.nc, admin.jsm, STREAM, SUBJECT, k.entriesPerSecondPerGroup * k.concurrency, out.contenders);
    const t0 = performance.now();
    try {
      if (k.deletePhase === 'after') {
        const created: NatsPlannedGroup[] = [];
        await inParallel(plan, async (p) => {
          await createGroup(p);
          created.push(p);
        });
        out.createSeconds = (performance.now() - t0) / 1000;
        const t1 = performance.now();
        // Every created group is deleted, also after an abort: a partial run leaves no consumer behind.
        let next = 0;
        const deleter = async (): Promise<void> => {
          while (next < created.length) await deleteGroup(created[next++]!);
        };
        await Promise.all(Array.from({ length: Math.min(k.concurrency, created.length) }, deleter));
        out.deleteSeconds = (performance.now() - t1) / 1000;
      } else {
        await inParallel(plan, async (p) => {
          await createGroup(p);
          if (p.lifetimeMs > 0) await sleep(p.lifetimeMs, undefined, signal ? { signal } : {}).catch(() => undefined);
          await deleteGroup(p);
        });
      }
    } finally {
      out.churnSeconds = (performance.now() - t0) / 1000;
      await contenders.stop();
    }
  } finally {
    await Promise.all(clients.map((cl) => cl.nc.close().catch(() => undefined)));
  }
  return out;
}
