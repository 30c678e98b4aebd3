/**
 * A static memory-order check, not a behavioural test: every read of the shared table outside the
 * two places that are argued safe must go through Atomics. A plain load (`i32[i]`) of a word
 * another thread writes is a data race the JS memory model lets the compiler reorder across the
 * seqlock's validating Atomics.load (issue #7: keyEquals read key words plainly). No runtime test
 * on x86-64 V8 observes that reordering (TSO hardware, and V8 does not move these loads today), so
 * this check reads the compiled code instead; it kills the mutant `shm-key-words-plain-loads`.
 *
 * The registry's code is spread over several modules (public face, probe, home-slot-locked inserter, waits,
 * ids); every class method and exported function of them is read. Allowed plain reads, each argued
 * in the source: the constructors' header words (written once before the buffer is shared) and
 * `SlotLockInserter.sweep` (runs under ALL insert locks; a stale read is conservative).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { IdAllocator } from '../../src/shm/registry-ids.js';
import { SlotLockInserter } from '../../src/shm/registry-insert.js';
import * as probe from '../../src/shm/registry-probe.js';
import * as waits from '../../src/shm/registry-waits.js';
import { SharedRegistry } from '../../src/shm/shared-registry.js';

const ALLOWED = new Set(['SharedRegistry.constructor', 'SlotLockInserter.constructor', 'SlotLockInserter.sweep', 'RegistryProbe.constructor', 'IdAllocator.constructor']);

function bodies(): Map<string, string> {
  const out = new Map<string, string>();
  for (const cls of [SharedRegistry, SlotLockInserter, probe.RegistryProbe, IdAllocator] as { name: string; prototype: object }[]) {
    const proto = cls.prototype as Record<string, unknown>;
    for (const n of Object.getOwnPropertyNames(proto)) {
      const v: unknown = Object.getOwnPropertyDescriptor(proto, n)?.value;
      if (typeof v === 'function') out.set(`${cls.name}.${n}`, String(v));
    }
  }
  for (const mod of [probe, waits] as Record<string, unknown>[]) for (const [n, v] of Object.entries(mod)) if (typeof v === 'function' && !/^class\b/.test(String(v))) out.set(n, String(v));
  return out;
}

test('the registry reads shared words only through Atomics (except the constructors’ header reads and sweep)', () => {
  const all = bodies();
  for (const must of ['keyEquals', 'RegistryProbe.find', 'SlotLockInserter.probeAndClaim', 'SlotLockInserter.sweep', 'parkWhileReserved', 'RegistryProbe.findName']) {
    assert.ok(all.has(must), `methods found: ${[...all.keys()].join(', ')}`);
  }
  for (const [name, body] of all) {
    if (ALLOWED.has(name)) continue;
    // `i32[` or `this.i32[` as an rvalue or lvalue: a plain access to the shared table.
    assert.doesNotMatch(body, /\bi32\s*\[/, `${name} accesses the shared table without Atomics`);
  }
});
