import assert from 'node:assert/strict';
import { test } from 'node:test';
import { modelProfileFor, sideConfig } from '../../bench/scenario/calibration.js';
import { poolable } from '../../bench/scenario/calibration-transient.js';
import type { GroupVerdict } from '../../src/target/nats/log-scan.js';
import { CAUSE_WINDOW_MS, transientCauses } from '../../src/target/nats/transient-cause.js';

const T0 = new Date(2026, 11, 1, 2, 30, 0, 0).getTime();
const pad = (n: number, w = 2): string => String(n).padStart(w, '0');
/** A nats-server log line (local time, µs) at T0 + ms. */
function line(ms: number, level: string, body: string): string {
  const d = new Date(T0 + Math.floor(ms));
  const us = Math.round((ms - Math.floor(ms)) * 1000) + d.getMilliseconds() * 1000;
  return `[4242] ${d.getFullYear()}/${pad(d.getMonth() + 1)}/${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(us, 6)} [${level}] ${body}`;
}
const transfer = (ms: number, group: string): string => line(ms, 'DBG', `RAFT [nOdE1234 - ${group}] Starting transfer campaign`);
const stepdown = (ms: number, group: string): string => line(ms, 'DBG', `RAFT [lEaDeR12 - ${group}] Being asked to stepdown`);
const verdict = (group: string, firstAtMs: number, cls: GroupVerdict['cls'] = 'transient'): GroupVerdict => ({ server: 's1', group, cls, failures: 1, firstAtMs: T0 + firstAtMs, lastAtMs: T0 + firstAtMs, afterDeleteMs: 1 });

test('a transient group counts as after a leader transfer only when its own group logged a transfer campaign at most CAUSE_WINDOW_MS before its first failure', () => {
  const logs = new Map([
    ['s0', [stepdown(999, 'C-R3F-aaaaaaaa'), stepdown(2_000, 'C-R3F-bbbbbbbb'), 'not a log line'].join('\n')],
    ['s1', [transfer(1_000, 'C-R3F-aaaaaaaa'), transfer(1_000, 'C-R3F-bbbbbbbb'), transfer(9_000, 'C-R3F-cccccccc'), transfer(20_000, 'C-R3F-dddddddd')].join('\n')],
  ]);
  const out = transientCauses(logs, [
    verdict('C-R3F-aaaaaaaa', 1_000 + CAUSE_WINDOW_MS), // at the window's edge: caused
    verdict('C-R3F-bbbbbbbb', 1_001 + CAUSE_WINDOW_MS), // just beyond it: not
    verdict('C-R3F-cccccccc', 8_999), // the transfer came after the failure: not
    verdict('C-R3F-dddddddd', 20_001, 'persistent'), // not transient: not counted at all
    verdict('C-R3F-eeeeeeee', 30_000), // no transfer logged for its group
    verdict('C-R3F-ffffffff', 9_500), // another group's transfer 0.5 s before: not its cause
  ]);
  assert.deepEqual(out, { transferCampaigns: 4, stepdowns: 2, transientGroups: 5, afterTransferCampaign: 1 });
});

test('--lifetime-ms reaches both sides alike, and reports of different lifetimes are not pooled', () => {
  const p = modelProfileFor('2.9.10');
  const base = { groups: 50, deletePhase: 'interleaved' as const, seed: 3, workers: 2 };
  for (const side of ['real', 'model', 'modelK1'] as const) assert.equal(sideConfig(side, p, { ...base, groupLifetimeMs: 1_500 }).groupLifetimeMs, 1_500);
  assert.equal(sideConfig('real', p, base).groupLifetimeMs, 20);
  const shape = { servers: 3, replicas: 3, concurrency: 16, callersPerCreate: 2, callerSpreadMs: 2, groupLifetimeMs: 20, entriesPerSecondPerGroup: 10, timeScaleMs: 1000, observeNatsSeconds: 0, groups: 200, deletePhase: 'interleaved' } as const;
  const rep = (groupLifetimeMs: number) => ({ available: true, server: { path: '/x', version: '2.9.10' }, modelLabel: 'm', shape: { ...shape, groupLifetimeMs }, runs: [] }) as const;
  assert.throws(() => poolable([rep(20), rep(1_500)]), /shape\.groupLifetimeMs differs \(20, 1500\)/);
});
