import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { NameCodec } from '../../src/shm/name-codec.js';

const reference = new TextEncoder();

function fnv1a(bytes: Uint8Array): number {
  let h = 0x811c9dc5;
  for (const b of bytes) h = Math.imul(h ^ b, 0x01000193);
  h >>>= 0;
  return h === 0 ? 1 : h;
}

const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

test('NameCodec encodes exactly like TextEncoder and hashes like a plain FNV-1a (any well-formed unicode), and refuses lone surrogates', () => {
  const codec = new NameCodec(1024);
  // eslint-disable-next-line no-control-regex -- the reference of what the codec must refuse
  const valid = fc.string({ unit: 'binary', minLength: 1, maxLength: 200 }).filter((s) => !/[\u0000-\u001f\u007f/\\]/.test(s) && s !== '.' && s !== '..');
  fc.assert(
    fc.property(valid, (s) => {
      if (loneSurrogate.test(s)) {
        assert.throws(() => codec.encode(s), /lone surrogate/);
        return;
      }
      codec.encode(s);
      const want = reference.encode(s);
      assert.deepEqual(codec.bytes.slice(0, codec.length), want);
      assert.equal(codec.hash, fnv1a(want));
    }),
    { numRuns: 2000 },
  );
});

test('NameCodec enforces the byte bound on multi-byte characters at the exact boundary', () => {
  const codec = new NameCodec(6);
  codec.encode('ééé');
  assert.equal(codec.length, 6);
  assert.throws(() => codec.encode('éééa'), /7 UTF-8 bytes; the limit is 6/);
  assert.throws(() => codec.encode('aaaaa€'), /8 UTF-8 bytes; the limit is 6/);
  assert.throws(() => codec.encode('aaa😀'), /7 UTF-8 bytes/);
});
