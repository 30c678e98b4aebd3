import { checkLinearizable, shrinkViolation } from './checker.js';
import { formatOp, OP, RES, type Op } from './history.js';
import { ABSENT, keyModel, stateOf, tableModel, type Model } from './model.js';
import type { Profile } from './profiles.js';

export interface RoundInput {
  readonly profile: Profile;
  readonly names: readonly string[];
  /** Model state of each name when the round started (the previous round's quiescent snapshot). */
  readonly initial: readonly number[];
  readonly ops: readonly Op[];
  /** Quiescent snapshot after the round: name → entry. */
  readonly final: ReadonlyMap<string, { state: 'reserved' | 'running'; instanceId: number }>;
}

export interface RoundVerdict {
  /** Histories checked: one per name when partitioned, else one. */
  readonly histories: number;
  readonly violation: string | undefined;
}

/**
 * Checks one round. The quiescent snapshot after the round is appended to each history as one
 * lookup per name that starts after every operation returned, so a lost or phantom update that no
 * operation's answer happened to show is still caught. Ids that reserve or register handed out must
 * be unique.
 */
export function checkRound(r: RoundInput): RoundVerdict {
  const dup = duplicateId(r.ops);
  if (dup !== undefined) return { histories: 1, violation: `instance id ${dup} was handed out twice in one round` };
  let t = r.ops.reduce((m, o) => Math.max(m, o.ret), 0);
  const finals: Op[] = r.names.map((name, i) => {
    const s = r.final.get(name);
    t += 2;
    return { kind: OP.lookup, name: i, arg: 0, res: s === undefined ? RES.absent : s.state === 'reserved' ? RES.reserved : RES.running, resId: s?.instanceId ?? 0, inv: t - 1, ret: t, thread: -1 };
  });
  for (const [name] of r.final) if (!r.names.includes(name)) return { histories: 1, violation: `the table holds ${JSON.stringify(name)}, a name no operation used` };
  if (!r.profile.partitionByKey) {
    const model = tableModel(r.initial, r.profile.capacity);
    return { histories: 1, violation: verdict([...r.ops, ...finals], model, r) };
  }
  for (let i = 0; i < r.names.length; i++) {
    const mine = r.ops.filter((o) => o.name === i);
    mine.push(finals[i]!);
    const v = verdict(mine, keyModel(r.initial[i] ?? ABSENT), r);
    if (v !== undefined) return { histories: i + 1, violation: v };
  }
  return { histories: r.names.length, violation: undefined };
}

function verdict<S>(ops: readonly Op[], model: Model<S>, r: RoundInput): string | undefined {
  if (checkLinearizable(ops, model).ok) return undefined;
  const small = shrinkViolation(ops, model).sort((a, b) => a.inv - b.inv);
  const init = r.initial.map((s, i) => `${r.names[i]}=${describeState(s)}`).join(' ');
  return [
    `not linearizable (${ops.length} operations, shrunk to ${small.length}); initial state: ${init}; t-1 is the quiescent snapshot after the round:`,
    ...small.map((o) => `  ${formatOp(o, r.names)}`),
  ].join('\n');
}

function describeState(s: number): string {
  if (s === ABSENT) return 'absent';
  return `${(s & 3) === 1 ? 'reserved' : 'running'}(${Math.floor(s / 4)})`;
}

function duplicateId(ops: readonly Op[]): number | undefined {
  const seen = new Set<number>();
  for (const o of ops) {
    const id = o.kind === OP.reserve && o.res === RES.won ? o.resId : o.kind === OP.register && o.res !== RES.full ? o.arg : 0;
    if (id === 0) continue;
    if (seen.has(id)) return id;
    seen.add(id);
  }
  return undefined;
}

export { stateOf };
