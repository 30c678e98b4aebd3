import { attachServerShm, createServerShmBuffers, type ServerShm, type ServerShmBuffers } from '../shm/server-shm.js';
import { newIdSource } from '../shm/shared-registry.js';
import { threadRoles, type SimConfig, type ThreadRole } from './config.js';

export const REGISTRY_CAPACITY = 16;

/**
 * One world's shared memory and every attachment of it, made once per world shape and restored
 * before each execution instead of rebuilt: allocating the buffers and attaching them (two
 * SharedRegistry, a FutexMutex and an IsolateLock per logical thread, insert locks and name codecs
 * inside) was a fifth of a short random schedule, and the garbage it left another large share.
 *
 * `restore()` makes the memory indistinguishable from a fresh one to the code under test:
 * - the buffers (id source, assignment table, each server's registry, in-flight table, js.mu) get
 *   a byte copy of their contents right after creation (plain copies: nothing else runs then);
 * - every SharedRegistry attachment is `reset()`: it forgets its slot-cache hints (a hint of the
 *   last execution, (slot, KEY_GEN), can name another key in this one: restored KEY_GENs recur)
 *   and its block of instance ids (the restored counter hands them out again);
 * - the FutexMutex of each attachment keeps only statistics, no state that decides anything; the
 *   IsolateLock in front of it is not reused (SimWorld wraps each futex in a new ScheduledLock per
 *   execution, since an execution that ended in a deadlock may leave its local turn held).
 * test/sim/world-reuse.test.ts checks that reused memory gives the same traces, byte for byte, as
 * fresh memory over many seeds, with find pauses (where the slot cache matters most).
 */
export class WorldMemory {
  readonly buffers: ServerShmBuffers[];
  readonly assignments: SharedArrayBuffer;
  /** The logical threads' roles, in id order (threadRoles of the shape). */
  readonly roles: readonly ThreadRole[];
  /** Worker 0's view of each server, used only by the checks between steps. */
  readonly observer: ServerShm[];
  /** Thread i's view of its server (worker i + 1), in thread-role order. */
  readonly callers: ServerShm[];
  /** With find pauses: the churn thread of server s (worker roles + 1 + s). */
  readonly churn: ServerShm[];
  /** Each server's buffers by name, for traces ("js.mu of S0"): Scheduler.nameBuffers. */
  readonly bufferNames: ReadonlyMap<ArrayBufferLike, string>;
  private readonly pristine: Uint8Array[];
  private readonly views: Uint8Array[];

  constructor(cfg: SimConfig) {
    const ids = newIdSource();
    this.buffers = Array.from({ length: cfg.servers }, (_, s) => createServerShmBuffers(`S${s}`, { capacity: REGISTRY_CAPACITY }, ids));
    this.assignments = new SharedArrayBuffer(cfg.servers * cfg.groups * 4);
    const names = new Map<ArrayBufferLike, string>();
    for (const b of this.buffers) {
      names.set(b.lock, `js.mu of ${b.server}`);
      names.set(b.registry, `a raftNodes slot of ${b.server}`);
      names.set(b.inflight, `an in-flight marker of ${b.server}`);
    }
    this.bufferNames = names;
    const all = [ids, this.assignments, ...this.buffers.flatMap((b) => [b.registry, b.inflight, b.lock])];
    this.views = all.map((b) => new Uint8Array(b));
    this.pristine = this.views.map((v) => v.slice());
    const roles = (this.roles = threadRoles(cfg));
    this.observer = this.buffers.map((b) => attachServerShm(b, 0));
    this.callers = roles.map((r, i) => attachServerShm(this.buffers[r.server]!, i + 1));
    this.churn = cfg.findPauses === true ? this.buffers.map((b, s) => attachServerShm(b, roles.length + 1 + s)) : [];
  }

  /** The shape a memory serves: what decides its buffers and attachments. */
  static shapeOf(cfg: SimConfig): string {
    return `${cfg.servers}/${cfg.replicas}/${cfg.groups}/${cfg.callers}/${cfg.findPauses === true ? 'p' : ''}`;
  }

  /** Back to the state right after construction (see the class comment); between executions only. */
  restore(): void {
    for (let i = 0; i < this.views.length; i++) this.views[i]!.set(this.pristine[i]!);
    for (const shm of [...this.observer, ...this.callers, ...this.churn]) {
      shm.registry.reset();
      shm.inflight.reset();
    }
  }
}
