import type { GateResult } from './result.js';

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** JUnit XML: a regression or a forbidden outcome is a failure, inconclusive is skipped, accepted passes with its reason. */
export function renderJunit(r: GateResult): string {
  const cases = r.benchmarks.map((b) => {
    const msg = `${b.name}: ${b.changePct.toFixed(1)}% ${b.ciPct ? `[${b.ciPct.lo.toFixed(1)}%, ${b.ciPct.hi.toFixed(1)}%]` : ''} threshold ±${b.thresholdPct === null ? 'n/a' : b.thresholdPct.toFixed(1)}%`;
    let body = '';
    if (b.verdict === 'regressed') body = `<failure type="regression" message="${esc(msg)}"/>`;
    else if (b.verdict === 'inconclusive') body = `<skipped message="${esc(`inconclusive: ${msg}`)}"/>`;
    else if (b.verdict === 'accepted') body = `<system-out>${esc(`accepted by trailer: ${b.acceptedReason ?? ''}; ${msg}`)}</system-out>`;
    return `    <testcase classname="raftrace.gate.${esc(r.config.suite)}" name="${esc(b.name)}" time="0">${body}</testcase>`;
  });
  const forbidden = r.correctness.records.filter((c) => c.outcome === 'forbidden');
  const correctness = `    <testcase classname="raftrace.gate.correctness" name="no forbidden outcome in base or head" time="0">${
    forbidden.length > 0 ? `<failure type="forbidden" message="${esc(forbidden.map((c) => `${c.benchmark} (${c.side}): ${c.reasons.join('; ')}`).join(' | '))}"/>` : ''
  }</testcase>`;
  const aa = `    <testcase classname="raftrace.gate.calibration" name="A/A check" time="0">${
    r.calibration.aaShowsDifference.length > 0 ? `<skipped message="${esc(r.headline)}"/>` : ''
  }</testcase>`;
  const failures = r.counts.regressed + (forbidden.length > 0 ? 1 : 0);
  const skipped = r.counts.inconclusive + (r.calibration.aaShowsDifference.length > 0 ? 1 : 0);
  const tests = r.benchmarks.length + 2;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="raftrace gate" tests="${tests}" failures="${failures}" errors="${r.harnessFailure ? 1 : 0}" skipped="${skipped}" time="${r.wallSeconds.toFixed(1)}">`,
    `  <testsuite name="raftrace gate (${esc(r.config.suite)})" tests="${tests}" failures="${failures}" errors="${r.harnessFailure ? 1 : 0}" skipped="${skipped}" time="${r.wallSeconds.toFixed(1)}" timestamp="${esc(r.startedAt)}">`,
    ...cases,
    correctness,
    aa,
    ...(r.harnessFailure ? [`    <testcase classname="raftrace.gate.harness" name="harness" time="0"><error message="${esc(r.harnessFailure)}"/></testcase>`] : []),
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}
