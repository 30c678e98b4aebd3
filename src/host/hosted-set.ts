import type { HostedNode } from './hosted-node.js';
import { serverOfNodeId } from './address.js';
import { PARKED_FOLLOWER, P_LEADER, P_STATE } from '../raft/parked.js';
import { H_ASKER, ParkTable, RECORD } from './park-table.js';
import { TimerWheel } from './timer-wheel.js';

/**
 * The instances one worker hosts, indexed three ways. Invariants: a node is in `byId` from its
 * build until `forget` (so a census sees one being built or deleted); it is in `ticking` (at
 * `n.slot`) and in `byAddress` exactly while it is started and not stopped.
 */
export class HostedSet {
  /** Dense, for the tick loop; swap-remove keeps removal O(1). */
  readonly ticking: HostedNode[] = [];
  /** Per ticking slot, its parked Raft state and tick bookkeeping; by key, the slot of a lone instance. */
  readonly table = new ParkTable();
  /** Due ticks of the ticking nodes, by slot, kept in their records (in step with `ticking` across swap-removes). */
  readonly wheel = new TimerWheel(undefined, this.table);
  /** The one live instance at a key, or (only while the race duplicated it) an array of them. */
  /**
   * By address key (group * servers + server), a dense array rather than a Map: every delivery
   * looks its addressee up here, and at 100k nodes a hashed lookup's cache misses were a visible
   * share of a tick. Grown with push (never written past its end), so V8 keeps fast elements.
   */
  private readonly byAddress: (HostedNode | HostedNode[] | undefined)[] = [];
  private readonly byId = new Map<number, HostedNode>();

  get size(): number {
    return this.byId.size;
  }

  get(instanceId: number): HostedNode | undefined {
    return this.byId.get(instanceId);
  }

  /** Live instances of the (server, group) key: one node, an array of duplicates, or undefined if none. */
  at(key: number): HostedNode | readonly HostedNode[] | undefined {
    return key < this.byAddress.length ? this.byAddress[key] : undefined;
  }

  all(): IterableIterator<HostedNode> {
    return this.byId.values();
  }

  /** Known, not yet ticking or receiving (NATS: built, not yet registered and running). */
  add(n: HostedNode): void {
    this.byId.set(n.instanceId, n);
  }

  /** Ticks and receives from now on. */
  start(n: HostedNode): void {
    n.slot = this.ticking.length;
    this.ticking.push(n);
    this.table.init(n.slot, n.instanceId, n.key, n.raft.peers.map(serverOfNodeId));
    while (this.byAddress.length <= n.key) this.byAddress.push(undefined);
    const at = this.byAddress[n.key];
    if (at === undefined) this.byAddress[n.key] = n;
    else if (Array.isArray(at)) at.push(n);
    else this.byAddress[n.key] = [at, n];
    this.syncKey(n.key);
  }

  /** Takes `n`'s Raft state back from its record if it is parked (before anything calls into it). */
  unpark(n: HostedNode): void {
    if (n.slot < 0 || !n.raft.isParked) return;
    const f = this.table.f;
    const b = n.slot * RECORD;
    // A parked follower's heartbeats recorded their asker in the table (a twin of its leader may
    // have asked last): it goes back to the node with the rest.
    if (f[b + P_STATE] === PARKED_FOLLOWER) n.setAsker(f[b + P_LEADER]!, f[b + H_ASKER]!);
    n.raft.unpark(f, b);
  }

  /** Stops ticking and receiving; the node stays findable by id until `forget`. */
  stop(n: HostedNode): void {
    if (n.slot < 0) return;
    this.unpark(n);
    const last = this.ticking.pop()!;
    this.wheel.cancel(n.slot);
    if (last !== n) {
      // The record first: the wheel lists the moved slot anew from the due tick the copy carried.
      this.table.move(last.slot, n.slot);
      this.wheel.move(last.slot, n.slot);
      this.ticking[n.slot] = last;
      last.slot = n.slot;
      this.syncKey(last.key);
    }
    n.slot = -1;
    const at = this.byAddress[n.key]!;
    if (!Array.isArray(at)) {
      this.byAddress[n.key] = undefined;
    } else {
      at.splice(at.indexOf(n), 1);
      if (at.length === 1) this.byAddress[n.key] = at[0]!;
    }
    this.syncKey(n.key);
  }

  /** The table's slot at `key`: the lone instance's, or -1 for none or duplicates. */
  private syncKey(key: number): void {
    const at = this.byAddress[key];
    this.table.setAt(key, at === undefined || Array.isArray(at) ? -1 : at.slot);
  }

  forget(instanceId: number): void {
    this.byId.delete(instanceId);
  }
}
