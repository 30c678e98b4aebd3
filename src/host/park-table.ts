import { PARKED_FIELDS, PARKED_VOTERS_MAX } from '../raft/parked.js';
import { NONE, type DueStore } from './timer-wheel.js';

/**
 * Per started node, by its ticking slot: one record of RECORD doubles holding its parked Raft
 * state (src/raft/parked.ts, the first PARKED_FIELDS) and the host's per-node tick bookkeeping
 * (below), its timer-wheel due tick included (the table is the wheel's DueStore). Dense, in one
 * typed array outside the JS heap: a tick at 100k nodes touches these records instead of each
 * node's objects, which lie scattered through a heap that may also hold a memfs store (issue #10). Plus, by address key, the slot of the one live instance there.
 *
 * Invariants: `at(key)` is the slot of the key's instance when exactly one is started there, else
 * -1 (none, or duplicates through the race: those always take the object path); a record moves
 * with its node when a swap-remove moves the node's slot.
 */
export const RECORD = 24;
/** The tick the node was last brought up to (every tick up to it applied or skipped; see DueTimes). */
export const H_SYNCED = PARKED_FIELDS;
/**
 * The tick whose due list holds this node while that tick's loop has not reached it yet (0: none).
 * A message delivered to it meanwhile must find it at tick - 1, as the every-node loop would.
 */
export const H_TICK_PENDING = PARKED_FIELDS + 1;
export const H_INSTANCE = PARKED_FIELDS + 2;
/** group * servers + server. */
export const H_KEY = PARKED_FIELDS + 3;
/** A parked follower's asker for its leader's position (HostedNode.askerOf), kept here while parked. */
export const H_ASKER = PARKED_FIELDS + 4;
/** The server of the node's voter i, H_PEER_SERVER + i (the first PARKED_VOTERS_MAX voters; -1 past its group). */
export const H_PEER_SERVER = PARKED_FIELDS + 5;
/** The tick the timer wheel holds the node due at, or NONE (timer-wheel.ts's DueStore). */
export const H_DUE = PARKED_FIELDS + 5 + PARKED_VOTERS_MAX;

const FIRST_SLOTS = 1024;
if (H_DUE >= RECORD) throw new Error('park-table: the record has no room for its fields');

export class ParkTable implements DueStore {
  /** The records (reallocated when it grows: read it anew after a node starts). */
  f = ParkTable.records(FIRST_SLOTS);
  readonly stride = RECORD;
  readonly offset = H_DUE;
  private slotByKey = new Int32Array(FIRST_SLOTS).fill(-1);

  /** `slots` empty records: zeros, not scheduled. */
  private static records(slots: number): Float64Array {
    const f = new Float64Array(slots * RECORD);
    for (let b = H_DUE; b < f.length; b += RECORD) f[b] = NONE;
    return f;
  }

  get slots(): number {
    return this.f.length / RECORD;
  }

  /** Room for `slots` records (DueStore.ensure). */
  ensure(slots: number): void {
    if (slots <= this.slots) return;
    let n = this.slots;
    while (n < slots) n *= 2;
    const wider = ParkTable.records(n);
    wider.set(this.f);
    this.f = wider;
  }

  /** The slot of the one started instance at `key`, or -1. */
  at(key: number): number {
    return key < this.slotByKey.length ? this.slotByKey[key]! : -1;
  }

  setAt(key: number, slot: number): void {
    if (key >= this.slotByKey.length) {
      let n = this.slotByKey.length;
      while (n <= key) n *= 2;
      const wider = new Int32Array(n).fill(-1);
      wider.set(this.slotByKey);
      this.slotByKey = wider;
    }
    this.slotByKey[key] = slot;
  }

  /** A fresh record at `slot`: not parked, never synced, not scheduled, the node's identity and voters' servers. */
  init(slot: number, instanceId: number, key: number, peerServers: readonly number[]): void {
    this.ensure(slot + 1);
    const b = slot * RECORD;
    this.f.fill(0, b, b + RECORD);
    this.f[b + H_DUE] = NONE;
    this.f[b + H_INSTANCE] = instanceId;
    this.f[b + H_KEY] = key;
    for (let i = 0; i < PARKED_VOTERS_MAX; i++) this.f[b + H_PEER_SERVER + i] = i < peerServers.length ? peerServers[i]! : -1;
  }

  /** Copies `from`'s record over `to`'s (a swap-remove moved that node); the wheel's move must follow (see TimerWheel.move). */
  move(from: number, to: number): void {
    this.f.copyWithin(to * RECORD, from * RECORD, from * RECORD + RECORD);
  }
}
