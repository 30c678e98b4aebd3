import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Scheduler } from '../../src/sim/scheduler.js';
import { waitAsync, notifyOne } from '../../src/shm/wait.js';

test('one thread runs at a time; a notify makes the waiter ready but does not run it', async () => {
  const s = new Scheduler();
  const word = new Int32Array(new SharedArrayBuffer(4));
  const log: string[] = [];
  const a = s.spawn('a', async () => {
    log.push('a1');
    await waitAsync(word, 0, 0, 1000);
    log.push('a2');
  });
  const b = s.spawn('b', async () => {
    log.push('b1');
    await s.yield('b2');
    word[0] = 1;
    notifyOne(word, 0);
    log.push('b2');
  });
  const uninstall = s.install();
  try {
    await s.step(a);
    assert.deepEqual(s.enabled().map((t) => t.name), ['b'], 'a is parked');
    await s.step(b);
    await s.step(b);
    assert.deepEqual(log, ['a1', 'b1', 'b2'], 'the wake did not run a');
    assert.deepEqual(s.enabled().map((t) => t.name), ['a']);
    await s.step(a);
    assert.deepEqual(log, ['a1', 'b1', 'b2', 'a2']);
    assert.ok(s.finished && !s.deadlocked);
  } finally {
    uninstall();
  }
});

test('a waiter nobody wakes is reported as a deadlock, not a hang', async () => {
  const s = new Scheduler();
  const word = new Int32Array(new SharedArrayBuffer(4));
  const t = s.spawn('lonely', async () => {
    await waitAsync(word, 0, 0, 1000);
  });
  const uninstall = s.install();
  try {
    await s.step(t);
    assert.ok(s.deadlocked);
  } finally {
    uninstall();
  }
});
