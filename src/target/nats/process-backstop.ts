import { rmSync } from 'node:fs';

/**
 * The last line of defence for one cluster: if the process exits before the cluster was stopped
 * (a second Ctrl-C calls process.exit, an uncaught error), kill its servers and remove its temp
 * dir synchronously in the 'exit' listener. A normal stop disarms it first.
 */
export class ExitBackstop {
  private readonly pids = new Set<number>();
  private readonly onExit = (): void => this.fire();
  private armed = true;

  constructor(private readonly dir: string) {
    // First in line: the servers must be dead before any other 'exit' listener (the CLI's own
    // temp-dir removal) tries to remove a tree they could still be writing into.
    process.prependListener('exit', this.onExit);
  }

  track(pid: number | undefined): void {
    if (pid !== undefined) this.pids.add(pid);
  }

  untrack(pid: number | undefined): void {
    if (pid !== undefined) this.pids.delete(pid);
  }

  /** Kill what is still tracked and remove the dir; safe to call more than once. */
  fire(): void {
    if (!this.armed) return;
    for (const pid of this.pids) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
    try {
      rmSync(this.dir, { recursive: true, force: true, maxRetries: 3, retryDelay: 20 });
    } catch {
      // Nothing more can be done while exiting.
    }
    this.disarm();
  }

  disarm(): void {
    this.armed = false;
    process.off('exit', this.onExit);
  }
}
