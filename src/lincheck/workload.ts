import { Prng } from '../env/prng.js';
import { ShmError } from '../shm/errors.js';
import type { SharedClock } from '../shm/shared-clock.js';
import type { SharedRegistry } from '../shm/shared-registry.js';
import { F_ARG, F_INV, F_KIND, F_NAME, F_RES, F_RES_ID, F_RET, F_THREAD, OP, REC_WORDS, RES, type OpKind } from './history.js';

/** Relative weights of the operations a thread draws. */
const MIX: readonly [OpKind, number][] = [
  [OP.lookup, 24],
  [OP.reserve, 24],
  [OP.publish, 14],
  [OP.cancel, 6],
  [OP.unregisterInstance, 14],
  [OP.register, 8],
  [OP.unregisterByName, 10],
];
const MIX_TOTAL = MIX.reduce((n, [, w]) => n + w, 0);
const KNOWN_IDS = 8;

/**
 * One thread's part of a round: `ops` random operations on `names`, each recorded as
 * [kind, name, arg, res, resId, inv, ret, thread] with clock ticks around the call. Ids passed to
 * publish/cancel/unregisterInstance are ids this thread has seen (its wins, answers it got), current
 * or stale, so compare-and-clear meets both matches and mismatches.
 */
export class WorkloadThread {
  private readonly known: number[] = [];
  private knownNext = 0;

  constructor(
    private readonly reg: SharedRegistry,
    private readonly clock: SharedClock,
    private readonly thread: number,
    private readonly rng: Prng,
  ) {}

  run(names: readonly string[], ops: number, log: Int32Array): void {
    for (let i = 0; i < ops; i++) this.one(names, log, i * REC_WORDS);
  }

  private one(names: readonly string[], log: Int32Array, b: number): void {
    const kind = this.drawKind();
    const nameIdx = this.rng.intBetween(0, names.length - 1);
    const name = names[nameIdx]!;
    let arg = 0;
    if (kind === OP.register) arg = this.reg.allocateInstanceId();
    else if (kind === OP.publish || kind === OP.cancel || kind === OP.unregisterInstance) arg = this.pickId();
    let res: number = RES.ok;
    let resId = 0;
    const inv = this.clock.tick();
    try {
      switch (kind) {
        case OP.lookup: {
          const e = this.reg.lookup(name);
          res = e.state === 'absent' ? RES.absent : e.state === 'reserved' ? RES.reserved : RES.running;
          resId = e.state === 'absent' ? 0 : e.instanceId;
          break;
        }
        case OP.reserve: {
          const r = this.reg.reserve(name);
          res = r.kind === 'won' ? RES.won : r.kind === 'reserved' ? RES.reserved : RES.running;
          resId = r.instanceId;
          break;
        }
        case OP.publish:
          try {
            this.reg.publish(name, arg);
          } catch (e) {
            if (!(e instanceof ShmError && e.code === 'RT_LOCK_MISUSE')) throw e;
            res = RES.no;
          }
          break;
        case OP.cancel:
          res = this.reg.cancelReservation(name, arg) ? RES.ok : RES.no;
          break;
        case OP.unregisterInstance:
          res = this.reg.unregisterInstance(name, arg) ? RES.ok : RES.no;
          break;
        case OP.register:
          resId = this.reg.register(name, arg);
          break;
        case OP.unregisterByName:
          resId = this.reg.unregisterByName(name);
          break;
      }
    } catch (e) {
      if (!(e instanceof ShmError && e.code === 'RT_REGISTRY_FULL')) throw e;
      res = RES.full;
    }
    const ret = this.clock.tick();
    log[b + F_KIND] = kind;
    log[b + F_NAME] = nameIdx;
    log[b + F_ARG] = arg;
    log[b + F_RES] = res;
    log[b + F_RES_ID] = resId;
    log[b + F_INV] = inv;
    log[b + F_RET] = ret;
    log[b + F_THREAD] = this.thread;
    if (resId !== 0) this.remember(resId);
    if (kind === OP.register && res !== RES.full) this.remember(arg);
  }

  private drawKind(): OpKind {
    let x = this.rng.intBetween(0, MIX_TOTAL - 1);
    for (const [k, w] of MIX) {
      if (x < w) return k;
      x -= w;
    }
    return OP.lookup;
  }

  private pickId(): number {
    if (this.known.length === 0) return 1;
    return this.known[this.rng.intBetween(0, this.known.length - 1)]!;
  }

  private remember(id: number): void {
    if (this.known.length < KNOWN_IDS) this.known.push(id);
    else this.known[this.knownNext++ % KNOWN_IDS] = id;
  }
}
