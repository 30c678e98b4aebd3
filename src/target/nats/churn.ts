import { setMaxListeners } from 'node:events';
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
  /** This many failed API requests end the churn (a dead cluster must not cost groups × apiTimeoutMs). */
  failuresMax: 50,
  /** The churn never runs longer than this, whatever the plan. */
  churnTimeoutMs: 30 * 60_000,
  /** The stream's storage is capped so the publish load cannot fill the disk. */
  streamBytesMax: 256 * 1024 * 1024,
} as const;

/** The churn was cut short by one of its own limits (not by the caller's abort). */
export class ChurnLimitError extends Error {
  override readonly name = 'ChurnLimitError';
  constructor(
    message: string,
    /** What was measured until the limit hit. */
    readonly outcome: ChurnOutcome,
  ) {
    super(message);
  }
}

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
  /** Consumer name → wall-clock ms (Date.now) its deletion was requested: the log scan's deletion marker. */
  readonly deleteRequestedAt: Map<string, number>;
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
  const out: ChurnOutcome = { createLatenciesMs: [], createFailures: 0, deleteLatenciesMs: [], deleteFailures: 0, groupsCycled: 0, churnSeconds: 0, createSeconds: 0, deleteSeconds: 0, failureSamples: [], contenders: emptyContenderCounts(), deleteRequestedAt: new Map() };
  const clients: Client[] = [];
  try {
    for (let i = 0; i <= k.callersPerCreate; i++) clients.push(await client(c, `raftrace-${i === k.callersPerCreate ? 'admin' : `caller-${i}`}`));
    const admin = clients[k.callersPerCreate]!;
    await admin.jsm.streams.add({ name: STREAM, subjects: [SUBJECT], num_replicas: k.replicas, storage: StorageType.File, max_bytes: CHURN_LIMITS.streamBytesMax });
    // Stops issuing groups on the caller's abort or on a limit; `limit` says which limit, if any.
    const halt = new AbortController();
    // Every group in flight may sleep its lifetime on halt.signal: up to `concurrency` listeners, not a leak.
    setMaxListeners(k.concurrency + 10, halt.signal);
    let limit: string | null = null;
    const stopWith = (why: string): void => {
      limit ??= why;
      halt.abort();
    };
    const onAbort = (): void => halt.abort();
    signal?.addEventListener('abort', onAbort, { once: true });
    const deadline = setTimeout(() => stopWith(`churn still running after ${CHURN_LIMITS.churnTimeoutMs} ms`), CHURN_LIMITS.churnTimeoutMs).unref();
    const sample = (s: string): void => {
      if (out.failureSamples.length < CHURN_LIMITS.failureSamplesMax) out.failureSamples.push(s);
      if (out.createFailures + out.deleteFailures >= CHURN_LIMITS.failuresMax) stopWith(`${CHURN_LIMITS.failuresMax} API requests failed (first: ${out.failureSamples[0]})`);
    };
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
      out.deleteRequestedAt.set(p.consumer, Date.now());
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
        while (next < items.length && !halt.signal.aborted) await work(items[next++]!);
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
          while (next < created.length && limit === null) await deleteGroup(created[next++]!);
        };
        await Promise.all(Array.from({ length: Math.min(k.concurrency, created.length) }, deleter));
        out.deleteSeconds = (performance.now() - t1) / 1000;
      } else {
        await inParallel(plan, async (p) => {
          await createGroup(p);
          if (p.lifetimeMs > 0) await sleep(p.lifetimeMs, undefined, { signal: halt.signal }).catch(() => undefined);
          await deleteGroup(p);
        });
      }
    } finally {
      out.churnSeconds = (performance.now() - t0) / 1000;
      clearTimeout(deadline);
      signal?.removeEventListener('abort', onAbort);
      await contenders.stop();
    }
    if (limit !== null) throw new ChurnLimitError(limit, out);
  } finally {
    await Promise.all(clients.map((cl) => cl.nc.close().catch(() => undefined)));
  }
  return out;
}
