// Mutants of the deterministic simulation (src/sim) and of the strategies as only the simulation
// can catch them over every interleaving. Format: see scripts/mutants/create.mjs.
import { FIND_REREAD_OUTSIDE_SEQLOCK } from './shm.mjs';
const I = (n) => ' '.repeat(n);
const lines = (...ls) => ls.join('\n');

export default [
  {
    // The same defect as shm-find-reread-outside-seqlock (issue #7), here killed by the explorer:
    // only a find pause where the delete's unregister and another name's insert run can reach it.
    id: 'sim-find-rekey',
    area: 'sim',
    description: "registry find(): STATE read after the KEY_GEN validation, so a slot re-keyed to another name in between answers for the validated name; found by the explorer's find pauses",
    ...FIND_REREAD_OUTSIDE_SEQLOCK,
    tests: ['test/sim/find-pause.test.ts'],
    timeoutMs: 240_000,
  },
  {
    // World reuse (#11): a restored registry's KEY_GENs recur, so a (slot, KEY_GEN) hint kept from
    // the last execution can match another name's key in this one and be trusted for it.
    id: 'sim-reset-keeps-slot-cache',
    area: 'sim',
    description: 'SharedRegistry.reset(): the slot cache is kept across a restore of the table, so a hint from the previous execution answers for another name',
    file: 'src/shm/registry-probe.ts',
    find: 'forget() {\n        if (this.slotCache.size !== 0)\n            this.slotCache.clear();',
    replace: 'forget() {\n        /* mutant: slot cache kept */',
    tests: ['test/sim/world-reuse.test.ts'],
    timeoutMs: 240_000,
  },
  {
    id: 'sim-reset-keeps-id-block',
    area: 'sim',
    description: "SharedRegistry.reset(): an attachment keeps its block of instance ids across a restore of the id counter, so ids another attachment is handed out again",
    file: 'src/shm/registry-ids.ts',
    find: 'dropBlock() {\n        this.idNext = 0;\n        this.idEnd = 0;',
    replace: 'dropBlock() {\n        /* mutant: id block kept */',
    tests: ['test/sim/world-reuse.test.ts'],
    timeoutMs: 240_000,
  },
  {
    id: 'sim-lost-wakeup',
    area: 'sim',
    description: 'scheduler: a futex notify leaves the waiter parked (a lost wake-up in the simulated futex)',
    file: 'src/sim/scheduler.ts',
    find: "w.status = 'ready';",
    replace: '/* mutant: waiter stays blocked */',
    tests: ['test/sim/explore.test.ts', 'test/sim/scheduler.test.ts'],
    timeoutMs: 240_000,
  },
  {
    id: 'sim-leak-oracle-blind',
    area: 'sim',
    description: 'oracle: a live instance nobody references is not counted as a leak',
    file: 'src/sim/execution.ts',
    find: 'if (!inRegistry && !inAssignment)',
    replace: 'if (!inRegistry && !inAssignment && false)',
    tests: ['test/sim/explore.test.ts'],
    timeoutMs: 240_000,
  },
  // Retired in wave 2: 'sim-signature-forgets-threads' (drop live threads' histories from the state
  // signature) survives every world the tests explore since the signature carries the sticky
  // outcome flags and finished threads' results explicitly: merge == plain enumeration still holds
  // with it. A live caller's locals are then fixed by its id, its next step and the shared state,
  // in every world built so far; a world where they are not would bring it back (see the s2-sim note).
  {
    id: 'cas-loser-does-not-park',
    area: 'sim',
    description: 'cas: a creator that finds the name RESERVED does not park and builds as if it had won',
    file: 'src/create/cas.ts',
    find: "if (r.kind === 'reserved') {",
    replace: "if (r.kind === 'reserved' && false) {",
    tests: ['test/sim/explore.test.ts'],
    timeoutMs: 240_000,
  },
  {
    id: 'inflight-ignores-marker',
    area: 'sim',
    description: "inflight: a creator that finds another's in-flight marker does not wait for it (PR #8087 undone)",
    file: 'src/create/inflight.ts',
    find: "if (step.kind === 'reserved') {",
    replace: "if (step.kind === 'reserved' && false) {",
    tests: ['test/sim/explore.test.ts'],
    timeoutMs: 240_000,
  },
  {
    // (A mutant that ignores js.mu in the persistent-set rule survives every world tried: cells that
    // share only js.mu reach the same terminal states in any cross-cell order. See the NOTE.)
    id: 'sim-por-one-thread',
    area: 'sim',
    description: 'exhaustive --reduction por: only one thread of the chosen cell is explored (threads of one cell are dependent: unsound)',
    file: 'src/sim/execution.ts',
    find: 'if (e.enabled.length > 0 && (e.lockFree || (e.holds && e.local)))\n                return e.enabled;',
    replace: 'if (e.enabled.length > 0 && (e.lockFree || (e.holds && e.local)))\n                return e.enabled.slice(0, 1);',
    tests: ['test/sim/por.test.ts'],
    timeoutMs: 240_000,
  },
  // (A mutant that takes two parking js.mu attempts as independent — the order of js.mu's FIFO
  // waiter list ignored — survives every world tried (locked 3 callers × 1 name with delete,
  // 2 × 2 with delete): a thread that queued later behaves like one that had not yet arrived and
  // barges in once js.mu is free, so the waiter order adds no terminal state there. The relation
  // keeps such attempts dependent, the conservative choice. See reports/explore-2026-12-02-s5.md.)
  {
    id: 'sim-sleep-same-cell-commute',
    area: 'sim',
    description: 'exhaustive --reduction sleep: steps of one cell taken as independent when one of them is cell-local',
    file: 'src/sim/independence.ts',
    find: "return a.cell !== b.cell && (a.kind === 'local' || b.kind === 'local');",
    replace: "return a.kind === 'local' || b.kind === 'local';",
    tests: ['test/sim/sleep.test.ts'],
    timeoutMs: 600_000,
  },
  {
    id: 'sim-sleep-holder-alone-ignores-cell',
    area: 'sim',
    description: "exhaustive --reduction sleep: js.mu's holder is explored alone even while another thread of its cell (the delete) can touch the cell",
    file: 'src/sim/independence.ts',
    find: 'if (!waitsForJsMu(t.next) && !firstStep)\n                alone = false;',
    replace: 'if (!waitsForJsMu(t.next) && !firstStep)\n                alone = true;',
    tests: ['test/sim/sleep.test.ts'],
    timeoutMs: 600_000,
  },
  // (A mutant that reuses a stored state's result when the state is met again with a smaller sleep
  // set — Godefroid's revisit rule dropped — also survives: same terminal states in every world
  // tried, up to locked 3 callers × 2 names with delete (441) and racy 3 × 1 with delete (83). The
  // rule is kept because the naive combination of sleep sets and state matching is unsound in
  // general; these worlds do not reach a state where it matters.)
  {
    id: 'sim-sleep-children-keep-all',
    area: 'sim',
    description: "exhaustive --reduction sleep: a child's sleep set keeps every sleeping thread, also those dependent on the step taken",
    file: 'src/sim/explore.ts',
    find: 'const childSleep = sleepy ? asleep.filter((u) => independent(footprint(t), footprint(u))) : [];',
    replace: 'const childSleep = sleepy ? [...asleep] : [];',
    tests: ['test/sim/sleep.test.ts'],
    timeoutMs: 600_000,
  },
  {
    id: 'sim-sleep-locked-transient',
    area: 'sim',
    description: "exhaustive --reduction sleep: locked's js.mu taken as transient (it is held across the build's disk steps)",
    file: 'src/sim/independence.ts',
    find: "const TRANSIENT_JS_MU = new Set(['racy', 'inflight', 'cas', 'broken-cas']);",
    replace: "const TRANSIENT_JS_MU = new Set(['racy', 'inflight', 'cas', 'broken-cas', 'locked']);",
    tests: ['test/sim/sleep.test.ts'],
    timeoutMs: 600_000,
  },
];
