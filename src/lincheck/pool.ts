import { Worker } from 'node:worker_threads';
import type { WorkerPlan } from './worker-plan.js';

type Reply = { ok: true; session: number } | { ok: false; session: number; error: string };

/**
 * Recorder threads kept across sessions (starting 8 workers per session cost more than the
 * session on a busy 2-core machine). `start` hands one plan to each of the first plans.length
 * threads and returns a promise of their ends; `close` terminates them all.
 */
export class RecorderPool {
  private readonly workers: Worker[] = [];
  private readonly waiting = new Map<number, { left: number; resolve: () => void; reject: (e: Error) => void }>();
  private crashed: Error | undefined;

  constructor(readonly size: number) {
    for (let t = 0; t < size; t++) {
      const w = new Worker(new URL('./worker.js', import.meta.url));
      w.on('message', (m: Reply) => this.reply(t, m));
      w.on('error', (e) => this.fail(new Error(`lincheck thread ${t} crashed: ${e.message}`)));
      w.on('exit', (code) => this.fail(new Error(`lincheck thread ${t} exited (code ${code})`)));
      this.workers.push(w);
    }
  }

  start(plans: readonly WorkerPlan[]): Promise<void> {
    if (plans.length > this.size) throw new Error(`lincheck: ${plans.length} threads asked of a pool of ${this.size}`);
    if (this.crashed) return Promise.reject(this.crashed);
    const session = plans[0]!.session;
    const done = new Promise<void>((resolve, reject) => this.waiting.set(session, { left: plans.length, resolve, reject }));
    plans.forEach((p, t) => this.workers[t]!.postMessage(p));
    return done;
  }

  async close(): Promise<void> {
    this.crashed ??= new Error('lincheck: pool closed');
    await Promise.all(this.workers.map((w) => w.terminate()));
  }

  private reply(t: number, m: Reply): void {
    const w = this.waiting.get(m.session);
    if (!w) return;
    if (!m.ok) {
      this.waiting.delete(m.session);
      w.reject(new Error(`lincheck thread ${t}: ${m.error}`));
    } else if (--w.left === 0) {
      this.waiting.delete(m.session);
      w.resolve();
    }
  }

  private fail(e: Error): void {
    if (this.crashed) return;
    this.crashed = e;
    for (const w of this.waiting.values()) w.reject(e);
    this.waiting.clear();
  }
}
