// Mutants of the shared-memory registry and its locks (issue #7). Format: see create.mjs. Each
// `find` is exact compiled text of dist/src/shm/*.js (indentation included) and must occur once.
const I = (n) => ' '.repeat(n);
const lines = (...ls) => ls.join('\n');

const INTERLEAVINGS = 'test/shm/registry-interleavings.test.ts';
const DEFECTS = 'test/shm/registry-defects.test.ts';
const MODEL = 'test/shm/registry-model.test.ts';
const STRIPES = 'test/shm/registry-stripes.test.ts';
const LINCHECK_RUN = 'test/lincheck/lincheck-run.test.ts';
const REG = 'src/shm/shared-registry.ts';
const PROBE = 'src/shm/registry-probe.ts';
const INSERT = 'src/shm/registry-insert.ts';
const WAITS = 'src/shm/registry-waits.ts';
const IDS = 'src/shm/registry-ids.ts';
const CHECKER = 'test/lincheck/checker.test.ts';

/** The #7 find() patch, shared with the explorer's catalog (sim.mjs), which finds the same bug its own way. */
export const FIND_REREAD_OUTSIDE_SEQLOCK = {
  file: 'src/shm/registry-probe.ts',
  find: lines(
    `if (hooks !== undefined)`,
    `${I(20)}hooks.beforeStateReread?.(slot);`,
    `${I(16)}// The STATE word is read INSIDE the seqlock window [g1, g2]: no key write overlapped it, so`,
    `${I(16)}// the word belongs to the key just compared (I5). Read after g2, it could belong to a name`,
    `${I(16)}// that took the slot after the validation (issue #7).`,
    `${I(16)}const w = Atomics.load(i32, b + L.S_STATE);`,
    `${I(16)}if (Atomics.load(i32, b + L.S_KEY_GEN) !== g1)`,
    `${I(20)}continue;`,
    `${I(16)}if (!same)`,
    `${I(20)}break;`,
  ),
  replace: lines(
    `if (Atomics.load(i32, b + L.S_KEY_GEN) !== g1)`,
    `${I(20)}continue;`,
    `${I(16)}if (!same)`,
    `${I(20)}break;`,
    `${I(16)}if (hooks !== undefined)`,
    `${I(20)}hooks.beforeStateReread?.(slot);`,
    `${I(16)}const w = Atomics.load(i32, b + L.S_STATE);`,
  ),
};

export default [
  {
    id: 'shm-key-words-plain-loads',
    area: 'shm',
    description: 'keyEquals compares key words with plain loads, which the JS memory model does not order between the two KEY_GEN loads of the seqlock (issue #7)',
    file: PROBE,
    find: 'if (Atomics.load(i32, start + i) !== words[i])',
    replace: 'if (i32[start + i] !== words[i])',
    tests: ['test/shm/registry-memory-order.test.ts'],
  },
  {
    id: 'shm-insert-lock-dropped',
    area: 'shm',
    description: 'registry: new keys are inserted without their stripe lock (two creators of one name can claim two free slots of its chain)',
    file: INSERT,
    find: 'const lock = this.stripes[(key.hash & this.mask) >>> this.stripeShift];',
    replace: 'const lock = { lock() { }, unlock() { } };',
    tests: [STRIPES, LINCHECK_RUN],
    timeoutMs: 120_000,
  },
  {
    id: 'shm-insert-duplicate-check-skipped',
    area: 'shm',
    description: 'registry: under the stripe lock, a name already live further along its chain is not detected (inserted twice)',
    file: INSERT,
    find: 'else if (keyEquals(i32, b, key)) {',
    replace: 'else if (false) {',
    tests: [INTERLEAVINGS],
  },
  {
    id: 'shm-sweep-past-live-chain',
    area: 'shm',
    description: 'registry: the tombstone sweep empties tombstones that a live key’s probe chain crosses (compaction past a live slot)',
    file: INSERT,
    find: 'else if (tag === L.TAG_TOMBSTONE && q < cap && need > q) {',
    replace: 'else if (tag === L.TAG_TOMBSTONE && q < cap) {',
    tests: [MODEL],
  },
  {
    id: 'shm-sweep-never-runs',
    area: 'shm',
    description: 'registry: no tombstone sweep: distinct-name churn saturates the table',
    file: INSERT,
    find: 'if (r === CLAIMED_EMPTY && Atomics.load(this.i32, L.H_USED) > Atomics.load(this.i32, L.H_SWEEP_AT))',
    replace: 'if (false)',
    tests: [DEFECTS],
  },
  {
    id: 'shm-stripe-of-slot-not-home',
    area: 'shm',
    description: 'registry: the insert lock is chosen by something other than the home slot (here the worker: a per-thread lock), so two inserters of one name race and can make it live twice',
    file: INSERT,
    find: 'const lock = this.stripes[(key.hash & this.mask) >>> this.stripeShift];',
    replace: 'const lock = this.stripes[this.workerId & (this.stripes.length - 1)];',
    tests: [STRIPES],
  },
  {
    id: 'shm-claim-plain-store',
    area: 'shm',
    description: 'registry: a free slot is claimed with a plain store instead of a compareExchange, so an inserter of another stripe that claimed it meanwhile is overwritten',
    file: INSERT,
    find: lines(
      `if (Atomics.compareExchange(i32, L.HEADER_WORDS + free * this.slotWords + L.S_STATE, freeWord, CLAIMING_WORD) !== freeWord)`,
      `${I(16)}continue;`,
    ),
    replace: 'Atomics.store(i32, L.HEADER_WORDS + free * this.slotWords + L.S_STATE, CLAIMING_WORD);',
    tests: [STRIPES],
  },
  {
    id: 'shm-sweep-without-all-stripes',
    area: 'shm',
    description: 'registry: the tombstone sweep runs without taking every stripe lock, so it can empty a tombstone on the chain of a key another stripe is inserting',
    file: INSERT,
    find: lines(
      `this.lockAll();`,
      `${I(8)}try {`,
      `${I(12)}if (Atomics.load(this.i32, L.H_USED) > Atomics.load(this.i32, L.H_SWEEP_AT))`,
      `${I(16)}this.sweep();`,
      `${I(8)}}`,
      `${I(8)}finally {`,
      `${I(12)}this.unlockAll();`,
      `${I(8)}}`,
    ),
    replace: 'if (Atomics.load(this.i32, L.H_USED) > Atomics.load(this.i32, L.H_SWEEP_AT)) this.sweep();',
    tests: [STRIPES],
  },
  {
    id: 'shm-never-notify',
    area: 'shm',
    description: 'registry: a transition never wakes parked waiters',
    file: REG,
    find: lines(`if (Atomics.load(this.i32, b + L.S_WAITERS) > 0)`, `${I(12)}notifyAll(this.i32, b + L.S_STATE);`),
    replace: '/* mutant: no notify */',
    tests: [INTERLEAVINGS],
  },
  {
    id: 'shm-waiter-count-read-before-cas',
    area: 'shm',
    description: 'registry: the publisher reads the waiter count before its STATE exchange (a waiter registering in between sleeps to its timeout)',
    file: REG,
    find: lines(
      `if (Atomics.compareExchange(this.i32, b + L.S_STATE, from, to) !== from)`,
      `${I(12)}return false;`,
      `${I(8)}Atomics.store(this.i32, b + L.S_OWNER, this.workerId);`,
      `${I(8)}Atomics.add(this.i32, b + L.S_VERSION, 1);`,
      `${I(8)}if (this.hooks !== undefined)`,
      `${I(12)}this.hooks.betweenExchangeAndWaiterCheck?.(slot);`,
      `${I(8)}if (Atomics.load(this.i32, b + L.S_WAITERS) > 0)`,
    ),
    replace: lines(
      `const waiters = Atomics.load(this.i32, b + L.S_WAITERS);`,
      `${I(8)}if (this.hooks !== undefined)`,
      `${I(12)}this.hooks.betweenExchangeAndWaiterCheck?.(slot);`,
      `${I(8)}if (Atomics.compareExchange(this.i32, b + L.S_STATE, from, to) !== from)`,
      `${I(12)}return false;`,
      `${I(8)}Atomics.store(this.i32, b + L.S_OWNER, this.workerId);`,
      `${I(8)}Atomics.add(this.i32, b + L.S_VERSION, 1);`,
      `${I(8)}if (waiters > 0)`,
    ),
    tests: [INTERLEAVINGS],
  },
  {
    id: 'shm-find-reread-outside-seqlock',
    area: 'shm',
    description: 'registry find(): STATE re-read after the KEY_GEN validation, checking only liveness, not that it is the word of the validated key (the #7 bug)',
    ...FIND_REREAD_OUTSIDE_SEQLOCK,
    tests: [INTERLEAVINGS, CHECKER],
  },
  {
    id: 'shm-wait-timeout-throws-without-recheck',
    area: 'shm',
    description: 'registry: a waiter whose wait timed out throws without re-reading the state (a publish at that moment is reported as stuck)',
    file: WAITS,
    find: lines(
      `const res = await waitAsync(i32, b + L.S_STATE, expected, left);`,
      `${I(12)}if (res === 'timed-out')`,
      `${I(16)}p.stats.timedOut++;`,
      `${I(12)}p.hooks?.afterWait?.(res);`,
    ),
    replace: lines(
      `const res = await waitAsync(i32, b + L.S_STATE, expected, left);`,
      `${I(12)}if (res === 'timed-out')`,
      `${I(16)}p.stats.timedOut++;`,
      `${I(12)}p.hooks?.afterWait?.(res);`,
      `${I(12)}if (res === 'timed-out')`,
      `${I(16)}throw p.stuck();`,
    ),
    tests: [INTERLEAVINGS],
  },
  {
    id: 'shm-slot-cache-trusted-without-revalidation',
    area: 'shm',
    description: 'registry: a slot-cache hit is trusted without re-reading KEY_GEN after the STATE load (the slot may have been re-keyed in between)',
    file: PROBE,
    find: 'if (Atomics.load(i32, b + L.S_KEY_GEN) === g1 && L.isLive(w)) {',
    replace: 'if (L.isLive(w)) {',
    tests: [INTERLEAVINGS],
  },
  {
    id: 'shm-id-source-unchecked-on-attach',
    area: 'shm',
    description: 'registry: attach does not check that the id source is the one the table was created with (two id sources, duplicate ids)',
    file: 'src/shm/registry-open.ts',
    find: 'checkSameIdSource(h, ids);',
    replace: '/* mutant: any id source */',
    tests: [DEFECTS],
  },
  {
    id: 'shm-register-any-id',
    area: 'shm',
    description: 'registry: register accepts an id its id source never handed out',
    file: IDS,
    find: 'if (id >= Atomics.load(this.ids, this.idIndex)) {',
    replace: 'if (false) {',
    tests: [DEFECTS],
  },
  {
    id: 'shm-id-allocator-runs-on',
    area: 'shm',
    description: 'registry: the id allocator takes a whole block past the limit (the counter runs on toward a wrap)',
    file: IDS,
    find: 'const end = Math.min(cur + ID_BLOCK, L.INSTANCE_ID_MAX + 1);',
    replace: 'const end = cur + ID_BLOCK;',
    tests: [DEFECTS],
  },
  {
    id: 'shm-futex-sync-beside-async-waiter',
    area: 'shm',
    description: 'futex: a sync lock() parks beside an async waiter of the same isolate (the wake-up can go to the blocked thread’s async waiter)',
    file: 'src/shm/futex-mutex.ts',
    find: 'if (parkedHere(this.i32, this.index, 0) > 0) {',
    replace: 'if (false) {',
    tests: [DEFECTS],
    timeoutMs: 60_000,
  },
  {
    id: 'shm-lone-surrogate-aliased',
    area: 'shm',
    description: 'name codec: a lone surrogate is encoded as U+FFFD (g\\uD800, g\\uDC00 and g\\uFFFD become one key)',
    file: 'src/shm/name-codec.ts',
    find: 'if (c >= 0xd800 && c <= 0xdfff) {',
    replace: 'if (c >= 0xd800 && c <= 0xdfff && false) {',
    tests: [DEFECTS],
  },
];
