/**
 * One registry operation as recorded on a thread: what was called, what it answered, and when it
 * was invoked and returned on a shared logical clock (an Atomics counter ticked before and after,
 * so "A returned before B was invoked" in the clock means it in real time too).
 *
 * Records are flat Int32 words so threads write them into a SharedArrayBuffer without allocating.
 */
export const OP = { lookup: 0, reserve: 1, publish: 2, cancel: 3, unregisterInstance: 4, register: 5, unregisterByName: 6 } as const;
export type OpKind = (typeof OP)[keyof typeof OP];
export const OP_NAMES = ['lookup', 'reserve', 'publish', 'cancel', 'unregisterInstance', 'register', 'unregisterByName'] as const;

/** Result codes. lookup: ABSENT/RESERVED/RUNNING; reserve: WON/RESERVED/RUNNING/FULL; register: OK/FULL; by-instance ops: OK/NO. */
export const RES = { absent: 0, won: 0, ok: 0, reserved: 1, running: 2, full: 3, no: 4 } as const;

export const REC_WORDS = 8;
export const F_KIND = 0;
export const F_NAME = 1;
export const F_ARG = 2;
export const F_RES = 3;
export const F_RES_ID = 4;
export const F_INV = 5;
export const F_RET = 6;
export const F_THREAD = 7;

export interface Op {
  readonly kind: OpKind;
  /** Index into the history's name table. */
  readonly name: number;
  /** Instance id passed in (publish, cancel, unregisterInstance, register); 0 otherwise. */
  readonly arg: number;
  readonly res: number;
  /** Instance id in the answer (lookup/reserve entry, register/unregisterByName previous id). */
  readonly resId: number;
  readonly inv: number;
  readonly ret: number;
  readonly thread: number;
}

export function decodeOps(words: Int32Array, count: number): Op[] {
  const out: Op[] = [];
  for (let i = 0; i < count; i++) {
    const b = i * REC_WORDS;
    out.push({
      kind: words[b + F_KIND]! as OpKind,
      name: words[b + F_NAME]!,
      arg: words[b + F_ARG]!,
      res: words[b + F_RES]!,
      resId: words[b + F_RES_ID]!,
      inv: words[b + F_INV]!,
      ret: words[b + F_RET]!,
      thread: words[b + F_THREAD]!,
    });
  }
  return out;
}

/** True if the op cannot have changed the registry (its answer says so); such ops can be dropped when shrinking. */
export function isObserver(op: Op): boolean {
  switch (op.kind) {
    case OP.lookup:
      return true;
    case OP.reserve:
      return op.res !== RES.won;
    case OP.publish:
    case OP.cancel:
    case OP.unregisterInstance:
      return op.res !== RES.ok;
    case OP.register:
      return op.res === RES.full;
    case OP.unregisterByName:
      return op.resId === 0;
  }
}

export function formatOp(op: Op, names: readonly string[]): string {
  const n = JSON.stringify(names[op.name] ?? `#${op.name}`);
  const arg = op.kind === OP.lookup || op.kind === OP.reserve || op.kind === OP.unregisterByName ? '' : `, ${op.arg}`;
  return `[${op.inv}..${op.ret}] t${op.thread} ${OP_NAMES[op.kind]}(${n}${arg}) → ${formatResult(op)}`;
}

function formatResult(op: Op): string {
  const entry = (r: number) => (r === RES.reserved ? `reserved(${op.resId})` : r === RES.running ? `running(${op.resId})` : 'absent');
  switch (op.kind) {
    case OP.lookup:
      return entry(op.res);
    case OP.reserve:
      return op.res === RES.won ? `won(${op.resId})` : op.res === RES.full ? 'RT_REGISTRY_FULL' : entry(op.res);
    case OP.register:
      return op.res === RES.full ? 'RT_REGISTRY_FULL' : `previous ${op.resId}`;
    case OP.unregisterByName:
      return `removed ${op.resId}`;
    default:
      return op.res === RES.ok ? 'ok' : 'no';
  }
}
