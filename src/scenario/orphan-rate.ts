import { Cluster, isOrphan } from '../cluster/cluster.js';
import { MESSAGES_PER_SECOND_MAX_DEFAULT } from '../cluster/protocol.js';
import { PAUSE_COUNTERS } from '../create/pause.js';
import { NATS_TIMING } from '../raft/config.js';
import { SharedCounters } from '../shm/sync-primitives.js';
import { createRunStore } from '../storage/run-store.js';
import { EXPECTED_ORPHAN_FAILURES_PER_NATS_SECOND, observeOrphans, type OrphanObservation } from './observe.js';

export interface OrphanRateOptions {
  readonly groups: number;
  readonly workers: number;
  readonly timeScaleMs: number;
  readonly observeNatsSeconds: number;
  readonly seed: number;
  /** Ends the observation window early; what it saw so far is kept. */
  readonly signal?: AbortSignal;
  /** Test hook: called when the observation window opens. */
  readonly onWindowStart?: () => void;
}

export interface OrphanRateResult extends OrphanObservation {
  readonly orphansAtEnd: number;
  readonly expectedPerNatsSecond: number;
  /** (measured − expected) / expected; null when nothing was measured. */
  readonly relativeError: number | null;
}

/**
 * #5824 exactly: every group gets one duplicate (a forced racy interleaving of two creators on one
 * of its servers, the others created once), then every group is deleted the NATS way, leaving one
 * orphan per group, alone. Their tav.idx failures are then counted over a window of NATS time and
 * compared with the rate NATS's timing implies (2 per campaign, a campaign per 4–9 s).
 */
export async function measureOrphanRate(o: OrphanRateOptions): Promise<OrphanRateResult> {
  const store = await createRunStore();
  const keepAlive = setInterval(() => undefined, 1 << 30);
  const servers = 3;
  let cluster: Cluster | null = null;
  try {
    cluster = await Cluster.start(
      {
        seed: o.seed, servers, replicas: 3, workers: o.workers, groupsMax: o.groups, timeScaleMs: o.timeScaleMs, timing: NATS_TIMING,
        disk: 'fs', storeRoot: store.root, diskFaults: {}, entriesPerSecondPerGroup: 0, cpuBusyShare: 0, logPath: '', waitTimeoutMs: 30_000, messagesPerSecondMax: MESSAGES_PER_SECOND_MAX_DEFAULT,
        natsVersion: '2.10.18',
      },
      'racy',
    );
    const c = cluster;
    await Promise.all(
      Array.from({ length: o.groups }, async (_, group) => {
        const dup = group % servers;
        const pause = { ctl: new SharedCounters(PAUSE_COUNTERS).buffer, callers: 2, timeoutMs: 30_000 };
        const calls = c.replicasOf(group).flatMap((server) =>
          server === dup
            ? [0, 1].map((k) => c.create({ server, group, worker: (group + k) % o.workers, pause }))
            : [c.create({ server, group, worker: (group + server) % o.workers })],
        );
        await c.guard(Promise.all(calls));
        await c.guard(c.deleteGroup(group));
      }),
    );
    const orphansAtEnd = (await c.guard(c.census())).filter(isOrphan).length;
    const obs = await observeOrphans(c, o.timeScaleMs, o.observeNatsSeconds, o.signal, o.onWindowStart ? { onWindowStart: o.onWindowStart } : {});
    const rate = obs.failuresPerNatsSecond;
    return {
      ...obs,
      orphansAtEnd,
      expectedPerNatsSecond: EXPECTED_ORPHAN_FAILURES_PER_NATS_SECOND,
      relativeError: rate === null ? null : (rate - EXPECTED_ORPHAN_FAILURES_PER_NATS_SECOND) / EXPECTED_ORPHAN_FAILURES_PER_NATS_SECOND,
    };
  } finally {
    clearInterval(keepAlive);
    await cluster?.close();
    await store.cleanup();
  }
}
