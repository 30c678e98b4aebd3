import type { BenchmarkReport, GateResult } from './result.js';

/** Hidden marker so a bot can find and update its one comment in place. */
export const COMMENT_MARKER = '<!-- raftrace-gate-comment -->';

const ICON: Record<BenchmarkReport['verdict'], string> = { regressed: '🔴 regressed', improved: '🟢 improved', unchanged: '⚪ unchanged', inconclusive: '🟡 inconclusive', accepted: '🟠 accepted' };

export const fmtValue = (v: number, unit: string): string => `${v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2)} ${unit}`;
const signed = (x: number): string => `${x >= 0 ? '+' : ''}${x.toFixed(1)}%`;
export const fmtChange = (b: BenchmarkReport): string => `${signed(b.changePct)} [${b.ciPct ? `${signed(b.ciPct.lo)}, ${signed(b.ciPct.hi)}` : 'n/a'}]`;
const fmtP = (p: number): string => (p < 0.001 ? p.toExponential(1) : p.toFixed(3));

/** The PR comment (and CI job summary): one table, details folded. */
export function renderMarkdown(r: GateResult): string {
  const rows = r.benchmarks.map(
    (b) => `| \`${b.name}\` | ${fmtValue(b.baseMedian, b.unit)} | ${fmtValue(b.headMedian, b.unit)} | ${fmtChange(b)} | ${ICON[b.verdict]}${b.acceptedReason ? ` (${b.acceptedReason})` : ''} |`,
  );
  const head = r.refs.head.commit === null ? `working tree${r.refs.head.dirty ? ' (uncommitted changes)' : ''}` : `\`${r.refs.head.commit.slice(0, 10)}\``;
  const details = r.benchmarks.map(
    (b) =>
      `| \`${b.name}\` | ${b.pairs} | ${fmtP(b.p)} / ${fmtP(b.pHolm)} | ±${b.thresholdPct === null ? '∞' : b.thresholdPct.toFixed(1)}% | ${b.aa.noisePct === null ? 'n/a' : `${b.aa.noisePct.toFixed(1)}%`} | ${fmtP(b.aa.pHolm)} | ${b.extended ? 'yes' : 'no'} |`,
  );
  const forbidden = r.correctness.records.filter((c) => c.outcome === 'forbidden');
  return [
    COMMENT_MARKER,
    `### raftrace gate: ${r.status.toUpperCase()}`,
    '',
    `**${r.headline}**`,
    '',
    `base \`${r.refs.base.commit.slice(0, 10)}\` (${r.refs.base.why}) → head ${head} · suite \`${r.config.suite}\` · ${r.processes} processes · ${r.wallSeconds.toFixed(0)} s${r.partial ? ' · **PARTIAL**' : ''}`,
    '',
    '| benchmark | base | head | change [95% CI] | verdict |',
    '|---|---:|---:|---|---|',
    ...rows,
    '',
    ...(r.notJudged.length > 0 ? [`Not judged (the base cannot run them): ${r.notJudged.map((n) => `\`${n.name}\``).join(', ')}.`, ''] : []),
    ...(forbidden.length > 0
      ? ['**Forbidden outcomes:**', '', ...forbidden.map((c) => `- \`${c.benchmark}\` on ${c.side}, round ${c.round + 1}: ${c.strategy} — ${c.reasons.join('; ') || `${c.duplicates} duplicate(s), ${c.orphansAtEnd} orphan(s)`}`), '']
      : []),
    '<details><summary>How this was decided</summary>',
    '',
    `Each benchmark ran as fresh processes, base and head interleaved (ABBA / BAAB rounds), on the same machine in the same job. Change = Hodges–Lehmann estimate of the per-pair log-ratio head/base with its exact Wilcoxon signed-rank 95% interval. Verdict: regressed/improved when Holm-adjusted p < ${r.config.alpha} and the estimate is beyond ±T, unchanged when the whole interval is inside ±T, else inconclusive (up to ${r.config.maxRounds} rounds). T = max(${r.config.floorPct}%, ${r.config.noiseK} × the A/A noise bound of this run). A/A pairs compare head with head and base with base inside the same rounds.`,
    '',
    '| benchmark | pairs | p / p Holm | T | A/A noise | A/A p Holm | extra rounds |',
    '|---|---:|---|---:|---:|---:|---|',
    ...details,
    '',
    `Machine: ${r.environment.cores} cores, ${r.environment.cpuModel}, Node ${r.environment.node}, load ${r.environment.loadAverage1m.toFixed(1)} at start. Base: node_modules ${r.preparation.base.nodeModules}, build ${r.preparation.base.build}. Accept a regression with a commit trailer \`Perf-Regression-Accepted: <benchmark> <reason>\`.`,
    '',
    '</details>',
    '',
  ].join('\n');
}
