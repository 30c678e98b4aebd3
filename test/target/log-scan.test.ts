import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { AFTER_DELETE_MS, BURST_MS, classify, scanLogs, tally, type FailureClass } from '../../src/target/nats/log-scan.js';

const T0 = new Date(2026, 11, 1, 2, 30, 0, 0).getTime();
const pad = (n: number, w = 2): string => String(n).padStart(w, '0');
/** A nats-server log timestamp (local time, µs) for T0 + ms. */
function stamp(ms: number): string {
  const d = new Date(T0 + Math.floor(ms));
  const us = Math.round((ms - Math.floor(ms)) * 1000) + d.getMilliseconds() * 1000;
  return `${d.getFullYear()}/${pad(d.getMonth() + 1)}/${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(us, 6)}`;
}
const line = (ms: number, level: string, body: string): string => `[4242] ${stamp(ms)} [${level}] ${body}`;
const started = (ms: number, consumer: string, group: string): string => line(ms, 'DBG', `Starting consumer monitor for '$G > RAFTRACE > ${consumer}' [${group}]`);
const exited = (ms: number, consumer: string, group: string): string => line(ms, 'DBG', `Exiting consumer monitor for '$G > RAFTRACE > ${consumer}' [${group}]`);
const tavErr = (ms: number, group: string): string => line(ms, 'ERR', `RAFT [nOdE1234 - ${group}] Resource not found: open /tmp/x/s0/store/jetstream/$SYS/_js_/${group}/tav.idx: no such file or directory`);
const tavWarn = (ms: number, group: string): string => line(ms, 'WRN', `RAFT [nOdE1234 - ${group}] Error writing term and vote file for "${group}": open /tmp/x/tav.idx: no such file or directory`);

test('a single failure burst right after its own deletion is transient; WRN lines and other files are not failures', () => {
  const log = [
    started(0, 'c1', 'C-R3F-aaaaaaaa'),
    exited(5_000, 'c1', 'C-R3F-aaaaaaaa'),
    tavErr(5_000.4, 'C-R3F-aaaaaaaa'),
    tavWarn(5_000.5, 'C-R3F-aaaaaaaa'),
    line(5_001, 'ERR', 'RAFT [nOdE1234 - C-R3F-aaaaaaaa] Resource not found: open /tmp/x/peers.idx: no such file or directory'),
    'a line that is not a log line',
  ].join('\n');
  const scan = scanLogs(new Map([['s0', log]]));
  assert.equal(scan.groupOf.get('RAFTRACE > c1'), 'C-R3F-aaaaaaaa');
  assert.equal(scan.warnLines, 1);
  const v = classify(scan);
  assert.equal(v.length, 1);
  assert.equal(v[0]!.cls, 'transient');
  assert.ok(Math.abs(v[0]!.afterDeleteMs! - 0.4) < 0.01, `µs timestamps kept: ${v[0]!.afterDeleteMs}`);
  assert.deepEqual(tally(scan, v), { enoent: 1, other: 0, transient: 1, persistent: 0, unmatched: 0, persistentGroups: 1 - 1 });
});

test('three bursts are persistent even right after a deletion; two are still transient; a lone burst before any deletion is unmatched', () => {
  const g = 'C-R3F-bbbbbbbb';
  const h = 'C-R3F-cccccccc';
  const i = 'C-R3F-iiiiiiii';
  const log = [
    exited(1_000, 'c2', g), tavErr(1_100, g), tavErr(1_150, g), tavErr(7_000, g), tavErr(7_050, g), tavErr(13_000, g),
    tavErr(3_000, h), exited(9_000, 'c3', h),
    exited(20_000, 'c4', i), tavErr(20_100, i), tavErr(24_000, i),
  ].join('\n');
  const scan = scanLogs(new Map([['s1', log]]));
  const v = classify(scan);
  assert.deepEqual(v.map((x) => [x.group, x.cls, x.failures]), [[g, 'persistent', 5], [h, 'unmatched', 1], [i, 'transient', 2]]);
  assert.deepEqual(tally(scan, v), { enoent: 8, other: 0, transient: 2, persistent: 5, unmatched: 1, persistentGroups: 1 });
});

test("the client's delete request marks the deletion when the server logs its monitor exit late", () => {
  const g = 'C-R3F-eeeeeeee';
  // Under load: the dir is gone and the write fails at 2 s; the monitor exit is only logged at 9 s.
  const scan = scanLogs(new Map([['s0', [started(0, 'c5', g), tavErr(2_000, g), exited(9_000, 'c5', g)].join('\n')]]));
  assert.equal(classify(scan)[0]!.cls, 'unmatched', 'without the request time the failure precedes the deletion');
  const v = classify(scan, new Map([[g, T0 + 1_500]]));
  assert.equal(v[0]!.cls, 'transient');
  assert.equal(v[0]!.afterDeleteMs, 500);
});

test('a deletion on another server does not make a failure transient', () => {
  const g = 'C-R3F-dddddddd';
  const scan = scanLogs(new Map([['s0', exited(0, 'c', g)], ['s1', tavErr(100, g)]]));
  assert.equal(classify(scan)[0]!.cls, 'unmatched');
});

/**
 * The class, not the example: any mix of groups, each given a true class by construction, across
 * servers and with lines shuffled, classifies back to that class.
 */
test('property: generated transient, persistent and unmatched groups are classified as built', () => {
  const groupArb = fc.record({
    cls: fc.constantFrom<FailureClass>('transient', 'persistent', 'unmatched'),
    server: fc.constantFrom('s0', 's1', 's2'),
    deleteAtMs: fc.integer({ min: 1_000, max: 600_000 }),
    burst: fc.array(fc.integer({ min: 0, max: BURST_MS }), { minLength: 1, maxLength: 4 }),
    delayMs: fc.integer({ min: 0, max: AFTER_DELETE_MS - BURST_MS }),
    repeatGapMs: fc.integer({ min: BURST_MS + 1, max: 9_000 }),
    repeats: fc.integer({ min: 2, max: 5 }),
  });
  fc.assert(
    fc.property(fc.array(groupArb, { minLength: 1, maxLength: 12 }), fc.infiniteStream(fc.nat()), (groups, order) => {
      const perServer = new Map<string, string[]>();
      const want = new Map<string, FailureClass>();
      groups.forEach((g, i) => {
        const name = `C-R3F-${String(i).padStart(8, '0')}`;
        const lines: string[] = [];
        const first = g.deleteAtMs + g.delayMs;
        if (g.cls === 'unmatched') {
          // A burst with no deletion of its group before it on that server (the deletion comes later, far beyond the window).
          for (const b of g.burst) lines.push(tavErr(first + b - Math.min(...g.burst), name));
          lines.push(exited(first + BURST_MS + AFTER_DELETE_MS + 50_000, `c${i}`, name));
        } else {
          lines.push(exited(g.deleteAtMs, `c${i}`, name));
          // The burst's first failure lands delayMs after the deletion, the rest within BURST_MS of it.
          for (const b of g.burst) lines.push(tavErr(first + b - Math.min(...g.burst), name));
          if (g.cls === 'persistent') for (let r = 1; r <= g.repeats; r++) lines.push(tavErr(first + Math.max(...g.burst) + r * g.repeatGapMs, name));
        }
        want.set(name, g.cls);
        const list = perServer.get(g.server) ?? [];
        list.push(...lines);
        perServer.set(g.server, list);
      });
      const it = order[Symbol.iterator]();
      const logs = new Map([...perServer].map(([s, lines]) => [s, lines.map((l) => [it.next().value as number, l] as const).sort((a, b) => a[0] - b[0]).map(([, l]) => l).join('\n')]));
      const got = classify(scanLogs(logs));
      assert.equal(got.length, groups.length);
      for (const v of got) assert.equal(v.cls, want.get(v.group), `${v.group}: ${JSON.stringify(v)}`);
    }),
    { numRuns: 200 },
  );
});
