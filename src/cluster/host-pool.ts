import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { Piscina } from 'piscina';
import { createServerShmBuffers } from '../shm/server-shm.js';
import { newIdSource } from '../shm/shared-registry.js';
import { RunTables } from '../shm/run-tables.js';
import { GROUPS_LIMIT, SERVERS_LIMIT } from '../host/address.js';
import { NATS_VERSIONS } from './nats-version.js';
import type { CensusEntry, CreateResult, DeleteResult, HostConfig, HostStats, HostTask, RunBuffers, StopResult } from './protocol.js';

/** A worker died or failed outside a task: the run cannot be trusted any more. */
export class HarnessFailure extends Error {
  override readonly name = 'HarnessFailure';
}

export const WORKERS_LIMIT = 64;
/** Async tasks (creators, deleters) one worker runs at once; the rest wait in piscina's bounded queue. */
const TASKS_PER_WORKER = 256;
const QUEUE_MAX = 100_000;

type Pinned = { readonly [Piscina.queueOptionsSymbol]: { readonly threadId: number } };

/**
 * The main thread's handle on the host workers: a piscina pool configured as node-platform.md
 * says (atomics 'disabled' so idle workers' timers keep running; min = max threads so no worker
 * is reaped with its nodes; a balancer that pins a task to one worker), the shared buffers of the
 * run, and a full mesh of MessagePorts so Raft traffic goes worker to worker.
 */
export class HostPool {
  private closed = false;
  private failure: HarnessFailure | null = null;
  private readonly failed: Promise<never>;
  private fail!: (e: HarnessFailure) => void;

  private constructor(
    private readonly pool: Piscina,
    private readonly threadIds: readonly number[],
    readonly buffers: RunBuffers,
    readonly config: HostConfig,
  ) {
    this.failed = new Promise<never>((_, reject) => {
      this.fail = (e) => {
        if (this.failure || this.closed) return;
        this.failure = e;
        reject(e);
      };
    });
    this.failed.catch(() => undefined); // observed through `guard`; never an unhandled rejection
    pool.on('error', (e: unknown) => this.fail(new HarnessFailure(`a host worker failed outside any task: ${describe(e)}`, { cause: e })));
    pool.on('workerDestroy', (w: { id: number }) => {
      const i = threadIds.indexOf(w.id);
      if (i >= 0) this.fail(new HarnessFailure(`host worker ${i} (thread ${w.id}) died; the instances it hosted are gone`));
    });
  }

  static async start(config: HostConfig): Promise<HostPool> {
    validatePoolConfig(config);
    const buffers = createRunBuffers(config);
    const pool = new Piscina({
      filename: new URL('./worker-entry.js', import.meta.url).href,
      minThreads: config.workers,
      maxThreads: config.workers,
      idleTimeout: Number.POSITIVE_INFINITY,
      atomics: 'disabled',
      concurrentTasksPerWorker: TASKS_PER_WORKER,
      maxQueue: QUEUE_MAX,
      loadBalancer: (task, workers) => {
        const want = ((task as unknown as Record<symbol, { threadId?: number } | null>)[Piscina.queueOptionsSymbol])?.threadId;
        if (want === undefined) return workers.find((w) => !w.terminating) ?? null;
        return workers.find((w) => w.id === want && !w.terminating) ?? null;
      },
    });
    const threadIds = pool.threads.map((t) => t.threadId);
    if (threadIds.length !== config.workers) {
      await pool.destroy();
      throw new HarnessFailure(`piscina started ${threadIds.length} workers, ${config.workers} were asked for`);
    }
    const hp = new HostPool(pool, threadIds, buffers, config);
    try {
      const mesh = meshPorts(config.workers);
      await Promise.all(
        threadIds.map((_, w) =>
          hp.runPinned(w, { op: 'init', workerId: w, config, buffers, ports: mesh[w]! }, mesh[w]!.filter((p): p is MessagePort => p !== null)),
        ),
      );
    } catch (e) {
      await hp.close();
      throw e;
    }
    return hp;
  }

  get workers(): number {
    return this.threadIds.length;
  }

  create(worker: number, task: Extract<HostTask, { op: 'create' }>): Promise<CreateResult> {
    return this.runPinned(worker, task) as Promise<CreateResult>;
  }

  delete(worker: number, task: Extract<HostTask, { op: 'delete' }>): Promise<DeleteResult> {
    return this.runPinned(worker, task) as Promise<DeleteResult>;
  }

  stop(worker: number, task: Extract<HostTask, { op: 'stop' }>): Promise<StopResult> {
    return this.runPinned(worker, task) as Promise<StopResult>;
  }

  /** See Cluster.awaitFirstLeader: true once the instance knows a leader, false at the timeout or its stop. */
  leader(worker: number, task: Extract<HostTask, { op: 'leader' }>): Promise<boolean> {
    return this.runPinned(worker, task) as Promise<boolean>;
  }

  async census(): Promise<CensusEntry[]> {
    const parts = await this.broadcast({ op: 'census' });
    return (parts as CensusEntry[][]).flat();
  }

  async stats(): Promise<HostStats[]> {
    return (await this.broadcast({ op: 'stats' })) as HostStats[];
  }

  /** Test hook: makes worker `w` throw outside any task. */
  injectCrash(worker: number, reason: string): Promise<unknown> {
    return this.runPinned(worker, { op: 'crash', reason });
  }

  /** Rejects as soon as a worker fails; race it against any wait so nobody waits forever. */
  guard<T>(p: Promise<T>): Promise<T> {
    return Promise.race([p, this.failed]);
  }

  get failedWith(): HarnessFailure | null {
    return this.failure;
  }

  /**
   * Shuts every host down (pending writes finish, logs flush), then destroys the pool. Idempotent.
   * With `graceMs` (an interrupted run) the shutdown may take at most that long; then the workers
   * are terminated with whatever disk operations they still have in flight (abandoned).
   */
  async close(graceMs?: number): Promise<void> {
    if (this.closed) return;
    if (!this.failure) {
      const shutdown = Promise.allSettled(this.threadIds.map((_, w) => this.runPinned(w, { op: 'shutdown' })));
      let timer: NodeJS.Timeout | undefined;
      const late = graceMs === undefined ? null : new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs)));
      await (late ? Promise.race([shutdown, late]) : shutdown);
      clearTimeout(timer);
    }
    this.closed = true;
    await this.pool.destroy();
  }

  private broadcast(task: HostTask): Promise<unknown[]> {
    return Promise.all(this.threadIds.map((_, w) => this.runPinned(w, task)));
  }

  private runPinned(worker: number, task: HostTask, transferList?: MessagePort[]): Promise<unknown> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.closed) return Promise.reject(new HarnessFailure(`task ${task.op} after the pool was closed`));
    const threadId = this.threadIds[worker];
    if (threadId === undefined) return Promise.reject(new RangeError(`worker must be in [0, ${this.threadIds.length - 1}], got ${worker}`));
    const pinned: HostTask & Pinned = { ...task, [Piscina.queueOptionsSymbol]: { threadId } };
    const run = this.pool.run(pinned, transferList ? { transferList } : {}) as Promise<unknown>;
    return this.guard(run).catch((e: unknown) => {
      if (e instanceof HarnessFailure) throw e;
      const f = new HarnessFailure(`host worker ${worker} failed task ${task.op}: ${describe(e)}`, { cause: e });
      this.fail(f);
      throw f;
    });
  }
}

/** The shared memory of one run: every server's registry, lock and markers, assignments, directory. */
export function createRunBuffers(config: HostConfig): RunBuffers {
  const ids = newIdSource();
  return {
    servers: Array.from({ length: config.servers }, (_, s) => createServerShmBuffers(`S${s}`, { capacity: registryCapacity(config.groupsMax) }, ids)),
    tables: new RunTables(config).buffers,
  };
}

/** Registry slots per server: at least twice the groups that can be live, as a power of two. */
export function registryCapacity(groupsMax: number): number {
  return 2 ** Math.ceil(Math.log2(Math.max(16, groupsMax * 2)));
}

function validatePoolConfig(c: HostConfig): void {
  const intIn = (field: string, v: number, lo: number, hi: number): void => {
    if (!Number.isInteger(v) || v < lo || v > hi) throw new RangeError(`${field} must be an integer in [${lo}, ${hi}], got ${String(v)}`);
  };
  intIn('workers', c.workers, 1, WORKERS_LIMIT);
  intIn('servers', c.servers, 1, SERVERS_LIMIT);
  intIn('replicas', c.replicas, 1, c.servers);
  intIn('groupsMax', c.groupsMax, 1, GROUPS_LIMIT);
  if (c.disk === 'memfs' && c.workers !== 1) throw new RangeError(`disk memfs needs workers = 1 (a memfs volume is per thread), got workers = ${c.workers}`);
  if (!(c.timeScaleMs > 0 && c.timeScaleMs <= 10_000)) throw new RangeError(`timeScaleMs must be in (0, 10000], got ${String(c.timeScaleMs)}`);
  if (!(NATS_VERSIONS as readonly string[]).includes(c.natsVersion)) throw new RangeError(`natsVersion must be one of ${NATS_VERSIONS.join(', ')}, got ${JSON.stringify(c.natsVersion)}`);
  if (!(c.cpuBusyShare >= 0 && c.cpuBusyShare <= 0.9)) throw new RangeError(`cpuBusyShare must be in [0, 0.9], got ${String(c.cpuBusyShare)}`);
}

function meshPorts(workers: number): (MessagePort | null)[][] {
  const ports: (MessagePort | null)[][] = Array.from({ length: workers }, () => Array.from({ length: workers }, () => null));
  for (let i = 0; i < workers; i++) {
    for (let j = i + 1; j < workers; j++) {
      const ch = new MessageChannel();
      ports[i]![j] = ch.port1;
      ports[j]![i] = ch.port2;
    }
  }
  return ports;
}

function describe(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
