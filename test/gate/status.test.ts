import assert from 'node:assert/strict';
import { test } from 'node:test';
import { gateExitCode } from '../../src/cli/gate-command.js';
import { EXIT } from '../../src/cli/exit-codes.js';
import { gateStatus } from '../../src/gate/status.js';

const none = { regressed: 0, improved: 0, unchanged: 3, inconclusive: 0, accepted: 0 };
const base = { interrupted: false, harnessFailure: null, forbidden: false, aaShowsDifference: [] as string[], counts: none };

test('precedence: interrupted > forbidden > harness > A/A difference > regression > inconclusive > pass', () => {
  const all = { interrupted: true, harnessFailure: 'x', forbidden: true, aaShowsDifference: ['a'], counts: { ...none, regressed: 1, inconclusive: 1 } };
  assert.equal(gateStatus(all).status, 'interrupted');
  assert.equal(gateStatus({ ...all, interrupted: false }).status, 'forbidden');
  assert.equal(gateStatus({ ...all, interrupted: false, forbidden: false }).status, 'harness-failure');
  const aa = gateStatus({ ...all, interrupted: false, forbidden: false, harnessFailure: null });
  assert.equal(aa.status, 'inconclusive');
  assert.match(aa.headline, /^INCONCLUSIVE RUN: the A\/A check/);
  assert.equal(gateStatus({ ...base, counts: { ...none, regressed: 1, inconclusive: 1 } }).status, 'regressed');
  assert.equal(gateStatus({ ...base, counts: { ...none, inconclusive: 1 } }).status, 'inconclusive');
  assert.equal(gateStatus(base).status, 'pass');
});

test('an accepted regression passes but is named in the headline', () => {
  const s = gateStatus({ ...base, counts: { ...none, accepted: 1 } });
  assert.equal(s.status, 'pass');
  assert.match(s.headline, /1 regression\(s\) accepted by commit trailer/);
});

test('exit codes come from the one table: regression 1, forbidden 3, harness 4, inconclusive 0 (5 with --strict)', () => {
  assert.equal(gateExitCode('pass', true), EXIT.ok);
  assert.equal(gateExitCode('regressed', false), EXIT.regression);
  assert.equal(gateExitCode('forbidden', false), EXIT.forbidden);
  assert.equal(gateExitCode('harness-failure', false), EXIT.harnessFailure);
  assert.equal(gateExitCode('interrupted', false), EXIT.interrupted);
  assert.equal(gateExitCode('inconclusive', false), EXIT.ok);
  assert.equal(gateExitCode('inconclusive', true), EXIT.inconclusive);
});
