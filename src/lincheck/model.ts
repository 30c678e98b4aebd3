import { OP, RES, type Op } from './history.js';

/**
 * The sequential registry: a map name → absent | reserved(id) | running(id), the same reference
 * the fast-check model test holds the real table to. One key's state is a number: 0 absent,
 * id * 4 + 1 reserved, id * 4 + 2 running.
 */
export const ABSENT = 0;
const TAG_RESERVED = 1;
const TAG_RUNNING = 2;
const reservedOf = (id: number) => id * 4 + TAG_RESERVED;
const runningOf = (id: number) => id * 4 + TAG_RUNNING;
const idOf = (s: number) => Math.floor(s / 4);

/**
 * The state after `op` if `op` may take effect on one key in `state` with the answer it recorded;
 * undefined if that answer is impossible. `tableFull`: every slot of the table is live, the only
 * case in which an insert may be refused (RT_REGISTRY_FULL).
 */
export function stepKey(state: number, op: Op, tableFull: boolean): number | undefined {
  const tag = state & 3;
  switch (op.kind) {
    case OP.lookup:
      if (state === ABSENT) return op.res === RES.absent ? state : undefined;
      return op.res === tag && op.resId === idOf(state) ? state : undefined;
    case OP.reserve:
      if (state === ABSENT) {
        if (op.res === RES.won) return reservedOf(op.resId);
        return op.res === RES.full && tableFull ? state : undefined;
      }
      return op.res === tag && op.resId === idOf(state) ? state : undefined;
    case OP.publish:
      if (state === reservedOf(op.arg)) return op.res === RES.ok ? runningOf(op.arg) : undefined;
      return op.res === RES.no ? state : undefined;
    case OP.cancel:
      if (state === reservedOf(op.arg)) return op.res === RES.ok ? ABSENT : undefined;
      return op.res === RES.no ? state : undefined;
    case OP.unregisterInstance:
      if (state === runningOf(op.arg)) return op.res === RES.ok ? ABSENT : undefined;
      return op.res === RES.no ? state : undefined;
    case OP.register:
      if (op.res === RES.full) return state === ABSENT && tableFull ? state : undefined;
      return op.resId === (state === ABSENT ? 0 : idOf(state)) ? runningOf(op.arg) : undefined;
    case OP.unregisterByName:
      return op.resId === (state === ABSENT ? 0 : idOf(state)) ? ABSENT : undefined;
  }
}

/** A model the checker searches: an immutable state, a step, and a key for memoisation. */
export interface Model<S> {
  readonly init: S;
  step(s: S, op: Op): S | undefined;
  key(s: S): string;
}

/** One key's registry, for a partition of a history by name (valid when the table cannot fill). */
export function keyModel(init: number): Model<number> {
  return { init, step: (s, op) => stepKey(s, op, false), key: (s) => String(s) };
}

/** The whole table (all names at once), for workloads that can fill it: RT_REGISTRY_FULL is legal only when every slot is live. */
export function tableModel(init: readonly number[], capacity: number): Model<readonly number[]> {
  return {
    init,
    step(s, op) {
      const live = s.reduce((n, v) => n + (v === ABSENT ? 0 : 1), 0);
      const next = stepKey(s[op.name] ?? ABSENT, op, live >= capacity);
      if (next === undefined) return undefined;
      if (next === s[op.name]) return s;
      const copy = s.slice();
      copy[op.name] = next;
      return copy;
    },
    key: (s) => s.join(','),
  };
}

/** The model state of one snapshot entry. */
export function stateOf(entry: { state: 'reserved' | 'running'; instanceId: number } | undefined): number {
  if (entry === undefined) return ABSENT;
  return entry.state === 'reserved' ? reservedOf(entry.instanceId) : runningOf(entry.instanceId);
}
