/**
 * A static memory-order check, not a behavioural test: every read of the shared table outside the
 * two places that are argued safe must go through Atomics. A plain load (`i32[i]`) of a word
 * another thread writes is a data race the JS memory model lets the compiler reorder across the
 * seqlock's validating Atomics.load (issue #7: keyEquals read key words plainly). No runtime test
 * on x86-64 V8 observes that reordering (TSO hardware, and V8 does not move these loads today), so
 * this check reads the compiled methods instead; it kills the mutant `shm-key-words-plain-loads`.
 *
 * Allowed plain reads, each argued in the source: the constructor's header words (written once
 * before the buffer is shared) and `sweep` (runs under the insert lock; a stale read is conservative).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SharedRegistry } from '../../src/shm/shared-registry.js';

const ALLOWED = new Set(['constructor', 'sweep']);

test('SharedRegistry reads shared words only through Atomics (except the constructor header and sweep)', () => {
  const proto = SharedRegistry.prototype as unknown as Record<string, unknown>;
  const methods = Object.getOwnPropertyNames(proto).filter((n) => !ALLOWED.has(n) && typeof Object.getOwnPropertyDescriptor(proto, n)?.value === 'function');
  assert.ok(methods.includes('keyEquals') && methods.length >= 10, `methods found: ${methods.join(', ')}`);
  for (const name of methods) {
    const body = String(proto[name]);
    // `i32[` or `this.i32[` as an rvalue or lvalue: a plain access to the shared table.
    assert.doesNotMatch(body, /\bi32\s*\[/, `${name} accesses the shared table without Atomics`);
  }
});
