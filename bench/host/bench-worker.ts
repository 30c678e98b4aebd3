import { Worker, type MessagePort } from 'node:worker_threads';
import type { HeapReply, HostBenchOp, HostBenchReply, HostBenchWorkerData, LeadersReply, PopulateReply, TicksReply } from './protocol.js';

const WORKER_URL = new URL('./host-worker.js', import.meta.url);
/** How long a worker may take to shut down cleanly before it is terminated anyway. */
const SHUTDOWN_GRACE_MS = 5_000;
/** No request may take longer than this (a stuck worker fails the run instead of hanging it). */
const CALL_TIMEOUT_MS = 1_200_000;

interface Pending {
  resolve(v: unknown): void;
  reject(e: Error): void;
}

/**
 * The main thread's handle on one bench host worker: typed request/reply over its parent port.
 * A worker that errors or exits fails every pending and later call (nobody waits forever), and
 * `close()` always ends with `terminate()`.
 */
export class BenchWorker {
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private dead: Error | null = null;

  constructor(
    readonly name: string,
    data: HostBenchWorkerData,
  ) {
    const transferList: MessagePort[] = data.peer ? [data.peer] : [];
    this.worker = new Worker(WORKER_URL, { workerData: data, transferList });
    this.worker.on('message', (r: HostBenchReply) => {
      const p = this.pending.get(r.id);
      if (!p) return;
      this.pending.delete(r.id);
      if (r.ok) p.resolve(r.value);
      else p.reject(new Error(`${this.name}: ${r.error}`));
    });
    this.worker.on('error', (e: Error) => this.die(new Error(`${this.name} failed: ${e.message}`, { cause: e })));
    this.worker.on('exit', (code: number) => this.die(new Error(`${this.name} exited (code ${code})`)));
  }

  populate(groups: number, concurrency: number, wave = 0, waves = 1): Promise<PopulateReply> {
    return this.call({ op: 'populate', groups, concurrency, wave, waves }) as Promise<PopulateReply>;
  }

  heap(): Promise<HeapReply> {
    return this.call({ op: 'heap' }) as Promise<HeapReply>;
  }

  ticks(ticks: number, record: boolean): Promise<TicksReply> {
    return this.call({ op: 'ticks', ticks, record }) as Promise<TicksReply>;
  }

  /** memfs: drops the worker's whole store volume (call last: the nodes cannot write any more). */
  async dropStore(): Promise<void> {
    await this.call({ op: 'dropStore' });
  }

  leaders(): Promise<LeadersReply> {
    return this.call({ op: 'leaders' }) as Promise<LeadersReply>;
  }

  /** Clean shutdown if the worker is healthy (bounded wait), then terminate. Never rejects. */
  async close(): Promise<void> {
    if (!this.dead) {
      let timer: NodeJS.Timeout | undefined;
      const grace = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, SHUTDOWN_GRACE_MS);
      });
      await Promise.race([this.call({ op: 'shutdown' }).catch(() => undefined), grace]);
      clearTimeout(timer);
    }
    this.die(new Error(`${this.name} closed`));
    await this.worker.terminate();
  }

  private call(body: HostBenchOp): Promise<unknown> {
    if (this.dead) return Promise.reject(this.dead);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => this.die(new Error(`${this.name}: ${body.op} took longer than ${CALL_TIMEOUT_MS} ms`)), CALL_TIMEOUT_MS);
      const done = (): void => clearTimeout(timer);
      this.pending.set(id, {
        resolve: (v) => {
          done();
          resolve(v);
        },
        reject: (e) => {
          done();
          reject(e);
        },
      });
      this.worker.postMessage({ id, body });
    });
  }

  private die(e: Error): void {
    this.dead ??= e;
    for (const p of this.pending.values()) p.reject(this.dead);
    this.pending.clear();
  }
}
