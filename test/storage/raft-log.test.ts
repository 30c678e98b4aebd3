import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SimClock } from '../../src/env/clock.js';
import { MemDisk } from '../../src/storage/mem-disk.js';
import { FileLogSink, MemoryLogSink, NullLogSink, formatNatsTime } from '../../src/storage/raft-log.js';
import { createRunStore } from '../../src/storage/run-store.js';
import { TermVoteStore, newTavFailureCounters } from '../../src/storage/term-vote-store.js';

const EPOCH = Date.UTC(2024, 8, 6, 13, 4, 5); // 2024/09/06 13:04:05 UTC
const LINE_RE = /^\[\d+\] \d{4}\/\d{2}\/\d{2} \d{2}:\d{2}:\d{2}\.\d{6} \[(ERR|WRN|INF)\] RAFT \[/;

void test('formatNatsTime prints Go log time with microseconds (UTC)', () => {
  assert.equal(formatNatsTime(EPOCH), '2024/09/06 13:04:05.000000');
  assert.equal(formatNatsTime(EPOCH + 1.5), '2024/09/06 13:04:05.001500');
  assert.equal(formatNatsTime(EPOCH + 999.999), '2024/09/06 13:04:05.999999');
});

void test('FileLogSink writes greppable NATS-looking lines; the file is complete after close()', async () => {
  const run = await createRunStore();
  try {
    const clock = new SimClock();
    const path = join(run.root, 'raft.log');
    const sink = new FileLogSink(path, clock, { epochOffsetMs: EPOCH, pid: 4242, autoFlushChars: 200 });
    sink.line('ERR', 'RAFT [nodeA001 - G] Resource not found: open /x/tav.idx: no such file or directory');
    clock.advanceMs(1234.567);
    sink.line('WRN', 'RAFT [nodeA001 - G] Error writing term and vote file for "G": open /x/tav.idx: no such file or directory');
    for (let i = 0; i < 500; i++) sink.line('INF', `RAFT [nodeA001 - G] line ${i}`); // passes autoFlushChars many times
    await sink.close();
    await sink.close(); // idempotent
    sink.line('INF', 'RAFT [late] dropped');
    assert.equal(sink.droppedAfterClose, 1);

    const lines = (await readFile(path, 'utf8')).split('\n');
    assert.equal(lines.pop(), '', 'ends with a newline');
    assert.equal(lines.length, 502);
    assert.equal(
      lines[0],
      '[4242] 2024/09/06 13:04:05.000000 [ERR] RAFT [nodeA001 - G] Resource not found: open /x/tav.idx: no such file or directory',
    );
    assert.ok(lines[1]?.startsWith('[4242] 2024/09/06 13:04:06.234567 [WRN] RAFT [nodeA001 - G] Error writing term'));
    assert.ok(lines.every((l) => LINE_RE.test(l)));
    assert.deepEqual(
      lines.slice(2).map((l) => l.replace(/^.* line /, '')),
      Array.from({ length: 500 }, (_, i) => String(i)),
      'in record order',
    );
    assert.equal(lines.filter((l) => l.includes('Resource not found')).length, 1);
  } finally {
    await run.cleanup();
  }
});

void test('flush() appends what was recorded so far; nothing is written before', async () => {
  const run = await createRunStore();
  try {
    const path = join(run.root, 'raft.log');
    const sink = new FileLogSink(path, new SimClock(), { epochOffsetMs: EPOCH });
    sink.line('INF', 'RAFT [n - g] one');
    assert.equal(existsSync(path), false, 'buffered');
    await sink.flush();
    assert.match(await readFile(path, 'utf8'), /\[INF\] RAFT \[n - g\] one\n$/);
    sink.line('INF', 'RAFT [n - g] two');
    await sink.close();
    assert.equal((await readFile(path, 'utf8')).split('\n').length, 3);
  } finally {
    await run.cleanup();
  }
});

void test('a write error surfaces from flush(), never from line()', async () => {
  const run = await createRunStore();
  try {
    const sink = new FileLogSink(join(run.root, 'missing-dir', 'raft.log'), new SimClock(), { autoFlushChars: 1 });
    sink.line('ERR', 'RAFT [n - g] x'); // triggers a background append that fails
    await assert.rejects(sink.flush(), { code: 'ENOENT' });
    await sink.close();
  } finally {
    await run.cleanup();
  }
});

void test('an orphan writing through TermVoteStore into a FileLogSink leaves a greppable #5824 trail', async () => {
  const run = await createRunStore();
  try {
    const clock = new SimClock();
    const path = join(run.root, 'nats.log');
    const log = new FileLogSink(path, clock, { epochOffsetMs: EPOCH });
    const disk = new MemDisk(); // the group dir was never created: every write is ENOENT
    const counters = newTavFailureCounters();
    const store = new TermVoteStore({
      disk, path: '/s/_js_/G/tav.idx', nodeId: 'nodeA001', group: 'G', clock, timeScale: 10,
      classify: () => 'persistent', counters, log,
    });
    for (let cycle = 0; cycle < 3; cycle++) {
      await store.write(new Uint8Array(8)); // to candidate
      await store.write(new Uint8Array(16)); // self-vote
      clock.advanceMs(45); // an election timeout of 4.5 NATS seconds
    }
    await log.close();
    const text = await readFile(path, 'utf8');
    assert.equal(text.match(/\[ERR\] RAFT \[nodeA001 - G\] Resource not found/g)?.length, 6);
    assert.equal(text.match(/\[WRN\] RAFT \[nodeA001 - G\] Error writing term and vote file for "G"/g)?.length, 3);
    assert.deepEqual(counters, { enoent: 6, other: 0, transient: 0, persistent: 6, warnLogged: 3, warnSuppressed: 3, unlogged: 0 });
  } finally {
    await run.cleanup();
  }
});

void test('MemoryLogSink keeps lines in order', async () => {
  const m = new MemoryLogSink();
  m.line('WRN', 'RAFT [a - b] w');
  m.line('ERR', 'RAFT [a - b] e');
  assert.deepEqual(m.lines, [{ level: 'WRN', text: 'RAFT [a - b] w' }, { level: 'ERR', text: 'RAFT [a - b] e' }]);
  assert.deepEqual(m.rendered(), ['[WRN] RAFT [a - b] w', '[ERR] RAFT [a - b] e']);
  await m.flush();
  await m.close();
});

void test('NullLogSink keeps nothing, and a store logging to it still counts every failure and its WRN decision', async () => {
  const n = new NullLogSink();
  for (let i = 0; i < 1000; i++) n.line('ERR', `x${i}`);
  assert.deepEqual(Object.keys(n), [], 'no state: dropped lines are not retained');
  await n.flush();
  await n.close();
  n.line('ERR', 'after close: still no throw');
  // A TermVoteStore on a missing directory, logging to the null sink: counting must not depend on logging.
  const counters = newTavFailureCounters();
  const store = new TermVoteStore({
    disk: new MemDisk(), path: '/gone/tav.idx', nodeId: 'nodeA001', group: 'G', clock: new SimClock(), timeScale: 1000,
    classify: () => 'persistent', counters, log: n,
  });
  assert.equal(await store.write(new Uint8Array(16)), false);
  assert.equal(await store.write(new Uint8Array(16)), false);
  assert.deepEqual(counters, { enoent: 2, other: 0, transient: 0, persistent: 2, unlogged: 0, warnLogged: 1, warnSuppressed: 1 });
});
