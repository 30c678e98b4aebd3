import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkLinearizable, shrinkViolation } from '../../src/lincheck/checker.js';
import { checkRound } from '../../src/lincheck/check-round.js';
import { OP, RES, type Op, type OpKind } from '../../src/lincheck/history.js';
import { ABSENT, keyModel, tableModel } from '../../src/lincheck/model.js';
import { profileById } from '../../src/lincheck/profiles.js';
import { SharedRegistry } from '../../src/shm/shared-registry.js';
import { namesWithHome } from '../fixtures/colliding-names.js';

const op = (kind: OpKind, name: number, arg: number, res: number, resId: number, inv: number, ret: number, thread = 0): Op => ({ kind, name, arg, res, resId, inv, ret, thread });

test('checker: a sequential history that contradicts the model is refused', () => {
  const h = [op(OP.reserve, 0, 0, RES.won, 5, 1, 2), op(OP.lookup, 0, 0, RES.absent, 0, 3, 4)];
  assert.equal(checkLinearizable(h, keyModel(ABSENT)).ok, false);
});

test('checker: an overlapping history is accepted when some order fits, refused when none does', () => {
  // lookup overlaps the reserve: absent is fine (linearized first).
  assert.equal(checkLinearizable([op(OP.reserve, 0, 0, RES.won, 5, 1, 4), op(OP.lookup, 0, 0, RES.absent, 0, 2, 3, 1)], keyModel(ABSENT)).ok, true);
  // two overlapping reserves cannot both win.
  assert.equal(checkLinearizable([op(OP.reserve, 0, 0, RES.won, 5, 1, 4), op(OP.reserve, 0, 0, RES.won, 6, 2, 3, 1)], keyModel(ABSENT)).ok, false);
  // a publish overlapping a lookup that already sees it running.
  const ok = [op(OP.reserve, 0, 0, RES.won, 5, 1, 2), op(OP.publish, 0, 5, RES.ok, 0, 3, 6), op(OP.lookup, 0, 0, RES.running, 5, 4, 5, 1)];
  assert.equal(checkLinearizable(ok, keyModel(ABSENT)).ok, true);
});

test('checker: the #7 shape (a lookup answering with an id its name never had) is refused, and shrinking keeps the witness', () => {
  const h = [
    op(OP.reserve, 0, 0, RES.won, 5, 1, 2),
    op(OP.lookup, 0, 0, RES.reserved, 5, 3, 4, 1),
    op(OP.publish, 0, 5, RES.ok, 0, 5, 6),
    op(OP.lookup, 0, 0, RES.running, 5, 7, 8, 1),
    op(OP.unregisterInstance, 0, 5, RES.ok, 0, 9, 14),
    op(OP.lookup, 0, 0, RES.reserved, 9, 10, 13, 1),
    op(OP.lookup, 0, 0, RES.absent, 0, 15, 16, 1),
  ];
  assert.equal(checkLinearizable(h, keyModel(ABSENT)).ok, false);
  const small = shrinkViolation(h, keyModel(ABSENT));
  assert.equal(checkLinearizable(small, keyModel(ABSENT)).ok, false);
  assert.ok(small.length < h.length);
  assert.ok(small.some((o) => o.resId === 9), 'the offending lookup survives shrinking');
  assert.ok(small.every((o) => o.kind !== OP.lookup || o.resId === 9), 'observers that play no part are dropped');
});

test('checker: RT_REGISTRY_FULL is legal only when every slot is live (table model)', () => {
  const full = [op(OP.reserve, 0, 0, RES.won, 1, 1, 2), op(OP.reserve, 1, 0, RES.full, 0, 3, 4)];
  assert.equal(checkLinearizable(full, tableModel([ABSENT, ABSENT], 1)).ok, true);
  const notFull = [op(OP.reserve, 1, 0, RES.full, 0, 3, 4)];
  assert.equal(checkLinearizable(notFull, tableModel([ABSENT, ABSENT], 1)).ok, false);
});

test('checker: a round whose quiescent snapshot contradicts every answer is refused (lost update)', () => {
  const profile = profileById('nearly-full');
  const names = profile.names(1);
  const ops = [op(OP.reserve, 0, 0, RES.won, 5, 1, 2)];
  const v = checkRound({ profile, names, initial: names.map(() => ABSENT), ops, final: new Map() });
  assert.match(v.violation ?? '', /not linearizable/);
  const good = checkRound({ profile, names, initial: names.map(() => ABSENT), ops, final: new Map([[names[0]!, { state: 'reserved', instanceId: 5 }]]) });
  assert.equal(good.violation, undefined);
});

/**
 * The checker against the real registry under the forced #7 interleaving: thread 0's lookup(K) is
 * paused before its STATE re-read while "thread 1" removes K and reserves K3 in K's slot. Each
 * operation is recorded with clock ticks as lincheck does. With the find() bug the history of K is
 * not linearizable and the checker must say so (the mutant `find-reread-outside-seqlock` is killed here).
 */
test('checker catches the find() re-keying bug in a recorded history of the real registry', () => {
  let clock = 0;
  const tick = () => ++clock;
  const a = SharedRegistry.create({ capacity: 4 }, 0);
  const b = SharedRegistry.attach(a.buffer, 1);
  const [k, k3] = namesWithHome(4, 1, 2) as [string, string];
  const ops: Op[] = [];
  const record = (kind: OpKind, name: number, arg: number, thread: number, fn: () => { res: number; resId: number }) => {
    const inv = tick();
    const r = fn();
    ops.push(op(kind, name, arg, r.res, r.resId, inv, tick(), thread));
  };
  let id = 0;
  record(OP.reserve, 0, 0, 1, () => {
    const r = b.reserve(k);
    id = r.instanceId;
    return { res: RES.won, resId: r.instanceId };
  });
  record(OP.publish, 0, id, 1, () => (b.publish(k, id), { res: RES.ok, resId: 0 }));
  let fired = false;
  a.setTestHooks({
    beforeStateReread: () => {
      if (fired) return;
      fired = true;
      record(OP.unregisterInstance, 0, id, 1, () => ({ res: b.unregisterInstance(k, id) ? RES.ok : RES.no, resId: 0 }));
      record(OP.reserve, 1, 0, 1, () => ({ res: RES.won, resId: b.reserve(k3).instanceId }));
    },
  });
  record(OP.lookup, 0, 0, 0, () => {
    const e = a.lookup(k);
    return { res: e.state === 'absent' ? RES.absent : e.state === 'reserved' ? RES.reserved : RES.running, resId: e.state === 'absent' ? 0 : e.instanceId };
  });
  assert.ok(fired);
  const names = [k, k3];
  const final = new Map(a.snapshot().map((e) => [e.name, { state: e.state, instanceId: e.instanceId }]));
  const v = checkRound({ profile: profileById('tiny-collide'), names, initial: [ABSENT, ABSENT], ops, final });
  assert.equal(v.violation, undefined, v.violation);
});
