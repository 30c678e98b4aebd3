import type { Clock } from '../env/clock.js';
import type { Effects, PersistThenSend } from './effects.js';
import type { HostCore } from './host-core.js';
import type { HostedNode, TermVoteWriter } from './hosted-node.js';
import type { Wire } from './wire.js';
import type { WireBatch } from './wire-batch.js';
import { TickLoop } from './tick-loop.js';

/**
 * Where a host's outgoing batches go: one call per destination worker per flush. A thread transport
 * transfers `batch.nums.buffer` (see wire-batch.ts); the batch is the receiver's from then on.
 */
export interface Transport {
  send(worker: number, batch: WireBatch): void;
}

export interface HostDriverDeps {
  readonly transport: Transport;
  /** Applies one directory change to shared memory (see RunTables.addLive). */
  readonly addLive: (server: number, group: number, delta: number) => void;
  /** A term/vote writer for a node, made per persist (the server model decides the version's format). */
  readonly writerFor: (n: HostedNode) => TermVoteWriter;
  readonly clock: Clock;
  readonly tickIntervalMs: number;
  /** Clock ms busy-spun after each tick (CPU pressure). */
  readonly busyMs: number;
}

/**
 * The thin async half of a host: carries out the core's {@link Effects} in order — directory
 * changes, sends, then each node's term/vote writes before that ready's messages are handed back
 * to the core for routing. The only part of the host that holds promises; every message leaves
 * through `transport` from `apply`.
 */
export class HostDriver {
  /** Every node's persist chain still running, stopped nodes' included. */
  private readonly pendingIo = new Set<Promise<void>>();
  private readonly loop: TickLoop;
  tavWrites = 0;

  constructor(
    readonly core: HostCore,
    private readonly deps: HostDriverDeps,
  ) {
    this.loop = new TickLoop(deps.clock, deps.tickIntervalMs, deps.busyMs, () => this.tick());
  }

  get lateTicks(): number {
    return this.loop.lateTicks;
  }

  startTicking(): void {
    this.loop.start();
  }

  stopTicking(): void {
    this.loop.stop();
  }

  /** One tick of the core, its effects carried out. Tests call it directly with a simulated clock. */
  tick(): void {
    this.apply(this.core.tick());
  }

  /** A batch from another worker: delivered, or shed while the tick loop is overloaded. */
  receive(batch: WireBatch | readonly Wire[]): void {
    if (this.loop.overloaded) this.core.shed(Array.isArray(batch) ? batch.length : (batch as WireBatch).count);
    else this.apply(this.core.receive(batch));
  }

  startNode(n: HostedNode): void {
    this.apply(this.core.start(n));
  }

  /** NATS `StepDown()` (leader transfer) of a running leader; a no-op for any other node. */
  stepDown(n: HostedNode): void {
    this.apply(this.core.stepDown(n));
  }

  stopNode(n: HostedNode): void {
    this.apply(this.core.stop(n));
  }

  /** Resolves once the node's writes in flight have settled (NATS 2.10.23+: Delete waits for the goroutines). */
  async idle(n: HostedNode): Promise<void> {
    while (n.io) await n.io.catch(() => undefined);
  }

  apply(fx: Effects): void {
    for (const d of fx.dirChanges) this.deps.addLive(d.server, d.group, d.delta);
    for (const s of fx.sends) this.deps.transport.send(s.worker, s.batch);
    for (const p of fx.persists) this.persistThenSend(p);
  }

  private persistThenSend(p: PersistThenSend): void {
    const n = p.node;
    const io = (n.io ?? Promise.resolve()).then(async () => {
      try {
        // Made per persist and dropped after: idle nodes keep no writer (see HostedNode.tavLastTerm).
        const tav = p.writes.length > 0 ? this.deps.writerFor(n) : null;
        for (const tv of p.writes) {
          this.tavWrites++;
          if (!(await tav!.write(tv.term, tv.vote))) n.tavFailures++;
        }
      } finally {
        this.apply(this.core.persisted(n, p.messages));
      }
    });
    n.io = io;
    this.pendingIo.add(io);
    void io.finally(() => {
      this.pendingIo.delete(io);
      if (n.io === io) n.io = null;
    });
  }

  /** Stops the loop and waits for every persist chain (stopped nodes' too), so no write lands after the run. */
  async quiesce(): Promise<void> {
    this.stopTicking();
    while (this.pendingIo.size > 0) await Promise.all([...this.pendingIo]);
  }
}
