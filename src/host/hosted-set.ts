import type { HostedNode } from './hosted-node.js';

/**
 * The instances one worker hosts, indexed three ways. Invariants: every ticking node n has
 * `ticking[n.slot] === n` and is in `byAddress` under its (server, group) key; a node is in
 * `byId` from start until its delete finishes (so a census still sees one being deleted).
 */
export class HostedSet {
  /** Dense, for the tick loop; swap-remove keeps removal O(1). */
  readonly ticking: HostedNode[] = [];
  private readonly byAddress = new Map<number, HostedNode[]>();
  private readonly byId = new Map<number, HostedNode>();

  get size(): number {
    return this.byId.size;
  }

  get(instanceId: number): HostedNode | undefined {
    return this.byId.get(instanceId);
  }

  /** Live instances of the (server, group) key, duplicates included; undefined if none. */
  at(key: number): readonly HostedNode[] | undefined {
    return this.byAddress.get(key);
  }

  all(): IterableIterator<HostedNode> {
    return this.byId.values();
  }

  add(n: HostedNode): void {
    n.slot = this.ticking.length;
    this.ticking.push(n);
    const list = this.byAddress.get(n.key);
    if (list) list.push(n);
    else this.byAddress.set(n.key, [n]);
    this.byId.set(n.instanceId, n);
  }

  /** Stops ticking and receiving; the node stays findable by id until `forget`. */
  stop(n: HostedNode): void {
    const last = this.ticking.pop()!;
    if (last !== n) {
      this.ticking[n.slot] = last;
      last.slot = n.slot;
    }
    n.slot = -1;
    const list = this.byAddress.get(n.key)!;
    list.splice(list.indexOf(n), 1);
    if (list.length === 0) this.byAddress.delete(n.key);
  }

  forget(instanceId: number): void {
    this.byId.delete(instanceId);
  }
}
