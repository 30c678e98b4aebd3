import { STRATEGY_NAMES } from '../../src/create/strategy.js';
import type { OrphanRateResult } from '../../src/scenario/orphan-rate.js';
import type { TargetCheck } from '../micro/targets.js';
import type { DetectionStats, ThroughputExperiment } from './experiments.js';
import { CELLS, PRESSURES, type CellSummary } from './matrix.js';

const f = (x: number, d = 1): string => (Number.isFinite(x) ? x.toFixed(d) : '–');
const pct = (x: number): string => `${f(x * 100, 1)}%`;
const rng = (r: { median: number; low: number; high: number }): string => `${f(r.median, 2)}× (${f(r.low, 2)}–${f(r.high, 2)})`;

const EXPECTED: Record<string, string> = { racy: 'leaks', locked: 'never leaks', inflight: 'never leaks', cas: 'never leaks' };

/** Per-strategy verdict over every matrix run: the table a pull-request reader looks at first. */
export function renderVerdicts(summaries: readonly CellSummary[]): string {
  const lines = [
    '| strategy | runs | clean / leaked / **forbidden** | duplicates | orphans at end | runs with a leak | tav.idx failures transient / persistent | instances that broke a Raft invariant | expected | verdict |',
    '|---|---:|---|---:|---:|---:|---|---:|---|---|',
  ];
  for (const s of STRATEGY_NAMES) {
    const rs = summaries.filter((x) => x.strategy === s);
    if (rs.length === 0) continue;
    const sum = (g: (x: CellSummary) => number): number => rs.reduce((n, x) => n + g(x), 0);
    const forbidden = sum((x) => x.outcomes.forbidden);
    const leaks = sum((x) => x.runsWithLeak);
    const verdict = forbidden > 0 ? '**FORBIDDEN**' : s === 'racy' ? (leaks > 0 ? 'leaks, as expected' : 'no leak seen (window never hit)') : 'ok: no duplicate, no leak';
    lines.push(
      `| ${s} | ${sum((x) => x.runs)} | ${sum((x) => x.outcomes.clean)} / ${sum((x) => x.outcomes.leaked)} / ${forbidden} | ${sum((x) => x.duplicates)} | ${sum((x) => x.orphansAtEnd)} | ${leaks} | ${sum((x) => x.tavTransient)} / ${sum((x) => x.tavPersistent)} | ${sum((x) => x.safetyViolations)} | ${EXPECTED[s]} | ${verdict} |`,
    );
  }
  return lines.join('\n');
}

export function renderMatrix(summaries: readonly CellSummary[]): string {
  const out: string[] = [];
  for (const cell of CELLS) {
    const rs = summaries.filter((x) => x.cell.pressure === cell.pressure && x.cell.load === cell.load);
    if (rs.length === 0) continue;
    const p = PRESSURES[cell.pressure];
    out.push(
      `#### ${cell.load} load, ${cell.pressure} pressure (${p.callersPerCreate} callers per create, ${p.concurrency} groups at once)`,
      '',
      '| strategy | creates/s median | IQR % | × racy | × locked | create p50 / p99 ms | delete p99 ms | duplicates | orphans at end | tav transient / persistent | lock wait ms |',
      '|---|---:|---:|---|---|---|---:|---:|---:|---|---:|',
    );
    for (const x of rs) {
      out.push(
        `| ${x.strategy} | ${f(x.createsPerSec.median, 0)} | ${f(x.createsPerSec.iqrPct)} | ${rng(x.vsRacy)} | ${rng(x.vsLocked)} | ${f(x.createP50Ms)} / ${f(x.createP99Ms)} | ${f(x.deleteP99Ms)} | ${x.duplicates} | ${x.orphansAtEnd} | ${x.tavTransient} / ${x.tavPersistent} | ${f(x.lockWaitMs, 0)} |`,
      );
    }
    out.push('');
  }
  out.push('Ratios are of medians measured in the same run (interleaved repeats), with a conservative range from the quartiles (low = p25 / other p75, high = p75 / other p25).');
  return out.join('\n');
}

export function renderExperiments(t: ThroughputExperiment, o: OrphanRateResult, d: DetectionStats): string {
  const lines = [
    `#### Creation throughput: R3 groups on 3 servers, 4 groups in flight, one caller per (server, group), 1 ms per disk operation, js.mu taken by its real users (${t.repeats} interleaved repeats)`,
    '',
    '| strategy | creates/s median | IQR % | min – max |',
    '|---|---:|---:|---|',
    ...STRATEGY_NAMES.map((s) => `| ${s} | ${f(t.perStrategy[s].median, 0)} | ${f(t.perStrategy[s].iqrPct)} | ${f(t.perStrategy[s].min, 0)} – ${f(t.perStrategy[s].max, 0)} |`),
    '',
    `cas ÷ locked ${rng(t.casVsLocked)} · cas ÷ inflight ${rng(t.casVsInflight)} · cas ÷ racy ${rng(t.casVsRacy)}`,
    '',
    "#### Self-consistency check: orphans fail their tav.idx writes at the rate the model's own timing constants imply",
    '',
    `${o.orphansAtEnd} groups each got one forced duplicate and were deleted the NATS way; ${o.orphansObserved} orphans (alone in their group) were watched for ${f(o.natsSeconds)} NATS seconds: ` +
      `${o.failures} failed writes = **${f(o.failuresPerNatsSecond ?? Number.NaN, 4)}** per orphan per NATS second; NATS timing implies ${f(o.expectedPerNatsSecond, 4)} ` +
      `(2 writes per campaign, a campaign per 4–9 s): ${o.relativeError === null ? 'not measured' : `${o.relativeError >= 0 ? '+' : ''}${pct(o.relativeError)}`}. ` +
      `That is about ${f((o.failuresPerNatsSecond ?? 0) * 3600 * 1.5, 0)} log lines an hour per orphan (2 ERR + 1 WRN per campaign).`,
    '',
    '#### Detection and leak-freedom',
    '',
    `racy under the heavy preset leaked in **${d.racyHeavyRunsWithLeak} of ${d.racyHeavyRuns}** runs (${pct(d.detection.rate)}; 95% Wilson interval ${pct(d.detection.low)}–${pct(d.detection.high)}). ` +
      `locked, inflight and cas: ${d.atomicRunsWithDuplicateOrLeak} of ${d.atomicRuns} runs with a duplicate or leak, over ${d.atomicCreateRequests.toLocaleString('en-US')} creation requests.`,
  ];
  return lines.join('\n');
}

export function renderTargets(targets: readonly TargetCheck[]): string {
  const lines = ['| target | measured | goal | met |', '|---|---:|---|---|'];
  for (const t of targets) lines.push(`| ${t.description} | ${Number.isFinite(t.measured) ? f(t.measured, 2) : '–'} | ${t.goal} | ${t.met ? 'yes' : '**no**'} |`);
  return lines.join('\n');
}
