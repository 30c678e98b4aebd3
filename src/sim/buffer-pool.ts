import { createServerShmBuffers, type ServerShmBuffers } from '../shm/server-shm.js';
import { newIdSource } from '../shm/shared-registry.js';

/** One world's shared memory: every server's buffers (one run-wide id source) and the assignment table. */
export interface WorldBuffers {
  readonly servers: ServerShmBuffers[];
  readonly assignments: SharedArrayBuffer;
}

/**
 * Fresh-looking buffers for each execution without allocating any: SharedArrayBuffer allocation
 * dominated a short execution, so buffers are made once per shape and, before each execution,
 * overwritten with a copy of their state right after creation (plain byte copies: nothing else
 * runs while an execution starts). Attaching then gives new per-isolate objects, so no registry
 * keeps an id block or scratch state from the previous execution.
 */
export class BufferPool {
  private readonly byShape = new Map<string, { buffers: WorldBuffers; pristine: Uint8Array[]; views: Uint8Array[] }>();

  take(servers: number, cells: number, capacity: number): WorldBuffers {
    const key = `${servers}/${cells}/${capacity}`;
    let e = this.byShape.get(key);
    if (!e) {
      const ids = newIdSource();
      const buffers: WorldBuffers = {
        servers: Array.from({ length: servers }, (_, s) => createServerShmBuffers(`S${s}`, { capacity }, ids)),
        assignments: new SharedArrayBuffer(cells * 4),
      };
      const all = [ids, buffers.assignments, ...buffers.servers.flatMap((b) => [b.registry, b.inflight, b.lock])];
      const views = all.map((b) => new Uint8Array(b));
      e = { buffers, pristine: views.map((v) => v.slice()), views };
      this.byShape.set(key, e);
      return buffers;
    }
    for (let i = 0; i < e.views.length; i++) e.views[i]!.set(e.pristine[i]!);
    return e.buffers;
  }
}
