import { isObserver, type Op } from './history.js';
import type { Model } from './model.js';

/**
 * Linearizability check of a complete history against a sequential model: the Wing–Gong search
 * with Lowe's memoisation (as in Porcupine and Knossos' "linear" checker).
 *
 * The history is a doubly linked list of call and return events in clock order. The search walks
 * it: at a call whose operation the model accepts in the current state, it linearizes the
 * operation (removes its call and return from the list) unless the pair (set of linearized
 * operations, model state) was seen before; at a return whose call was not linearized yet, no
 * linearization of the prefix fits, so it backtracks. Memoisation makes the search linear in
 * practice for histories whose concurrency is a handful of threads.
 */

interface Node {
  readonly op: number; // index into ops
  readonly call: boolean;
  match: Node | undefined; // call → its return
  prev: Node | undefined;
  next: Node | undefined;
}

export interface CheckResult {
  readonly ok: boolean;
  /** Model steps tried (a cost measure). */
  readonly steps: number;
}

export function checkLinearizable<S>(ops: readonly Op[], model: Model<S>, stepsMax = 50_000_000): CheckResult {
  const events: Node[] = [];
  for (let i = 0; i < ops.length; i++) {
    const op = ops[i]!;
    if (!(op.inv < op.ret)) throw new Error(`lincheck: op ${i} returns at ${op.ret}, not after its invocation at ${op.inv}`);
    const c: Node = { op: i, call: true, match: undefined, prev: undefined, next: undefined };
    const r: Node = { op: i, call: false, match: undefined, prev: undefined, next: undefined };
    c.match = r;
    events.push(c, r);
  }
  const time = (n: Node) => (n.call ? ops[n.op]!.inv : ops[n.op]!.ret);
  events.sort((a, b) => time(a) - time(b));
  const head: Node = { op: -1, call: false, match: undefined, prev: undefined, next: undefined };
  let prev = head;
  for (const e of events) {
    prev.next = e;
    e.prev = prev;
    prev = e;
  }

  const words = Math.ceil(ops.length / 32) || 1;
  const linearized = new Uint32Array(words);
  const seen = new Set<string>();
  const stack: { node: Node; state: S }[] = [];
  let state = model.init;
  let entry = head.next;
  let steps = 0;

  const lift = (n: Node) => {
    n.prev!.next = n.next;
    if (n.next) n.next.prev = n.prev;
    const m = n.match!;
    m.prev!.next = m.next;
    if (m.next) m.next.prev = m.prev;
  };
  const unlift = (n: Node) => {
    const m = n.match!;
    m.prev!.next = m;
    if (m.next) m.next.prev = m;
    n.prev!.next = n;
    if (n.next) n.next.prev = n;
  };

  while (head.next !== undefined) {
    if (++steps > stepsMax) throw new Error(`lincheck: search exceeded ${stepsMax} steps on a history of ${ops.length} operations`);
    const e = entry!;
    if (e.call) {
      const next = model.step(state, ops[e.op]!);
      let advanced = false;
      if (next !== undefined) {
        linearized[e.op >> 5]! |= 1 << (e.op & 31);
        const key = `${model.key(next)}|${linearized.join(',')}`;
        if (!seen.has(key)) {
          seen.add(key);
          stack.push({ node: e, state });
          state = next;
          lift(e);
          entry = head.next;
          advanced = true;
        } else {
          linearized[e.op >> 5]! &= ~(1 << (e.op & 31));
        }
      }
      if (!advanced) entry = e.next;
    } else {
      // A return whose call is still in the list: nothing linearizable fits this prefix here.
      const top = stack.pop();
      if (top === undefined) return { ok: false, steps };
      state = top.state;
      linearized[top.node.op >> 5]! &= ~(1 << (top.node.op & 31));
      unlift(top.node);
      entry = top.node.next;
    }
  }
  return { ok: true, steps };
}

/**
 * A smaller non-linearizable history: drops, one at a time, every operation whose answer shows it
 * changed nothing (lookups, lost reserves, refused by-instance calls, …) if the rest is still not
 * linearizable. Sound: removing such an operation from a linearizable history leaves it
 * linearizable, so the result is a witness of the same violation, never an artefact of shrinking.
 */
export function shrinkViolation<S>(ops: readonly Op[], model: Model<S>): Op[] {
  let cur = [...ops];
  for (let i = cur.length - 1; i >= 0; i--) {
    if (!isObserver(cur[i]!)) continue;
    const without = cur.slice(0, i).concat(cur.slice(i + 1));
    if (!checkLinearizable(without, model).ok) cur = without;
  }
  return cur;
}
