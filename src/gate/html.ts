import type { TopLevelSpec } from 'vega-lite';
import { escapeHtml, page, renderSvg } from './charts.js';
import { fmtChange, fmtValue } from './markdown.js';
import type { GateResult } from './result.js';

const COLORS = { domain: ['regressed', 'improved', 'unchanged', 'inconclusive', 'accepted'], range: ['#cf222e', '#1a7f37', '#8c959f', '#bf8700', '#bc4c00'] };

/** Forest plot: every benchmark's change with its 95% interval, and its ±T band. */
function forestSpec(r: GateResult): TopLevelSpec {
  const rows = r.benchmarks.map((b) => ({
    name: b.name, change: b.changePct, lo: b.ciPct?.lo ?? b.changePct, hi: b.ciPct?.hi ?? b.changePct,
    tLo: -(b.thresholdPct ?? 0), tHi: b.thresholdPct ?? 0, verdict: b.verdict,
  }));
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    width: 640, height: { step: 28 },
    data: { values: rows },
    encoding: { y: { field: 'name', type: 'nominal', sort: null, title: null } },
    layer: [
      { mark: { type: 'bar', color: '#eaeef2', height: 18 }, encoding: { x: { field: 'tLo', type: 'quantitative', title: 'change head vs base (%), 95% interval; grey band: ±T' }, x2: { field: 'tHi' } } },
      { mark: { type: 'rule', color: '#57606a' }, encoding: { x: { datum: 0 } } },
      { mark: { type: 'rule', strokeWidth: 2 }, encoding: { x: { field: 'lo', type: 'quantitative' }, x2: { field: 'hi' }, color: { field: 'verdict', type: 'nominal', scale: COLORS } } },
      { mark: { type: 'point', filled: true, size: 70 }, encoding: { x: { field: 'change', type: 'quantitative' }, color: { field: 'verdict', type: 'nominal', scale: COLORS }, tooltip: [{ field: 'name' }, { field: 'change', format: '.1f' }] } },
    ],
  };
}

/** Per-round dots of base and head, one panel per benchmark (values normalised to the base median). */
function roundsSpec(r: GateResult): TopLevelSpec {
  const values = r.benchmarks.flatMap((b) =>
    b.rounds.flatMap((round, i) => [
      ...round.base.map((v) => ({ name: b.name, round: i + 1, side: 'base', rel: v / b.baseMedian })),
      ...round.head.map((v) => ({ name: b.name, round: i + 1, side: 'head', rel: v / b.baseMedian })),
    ]),
  );
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    data: { values },
    facet: { field: 'name', type: 'nominal', title: null },
    columns: 3,
    spec: {
      width: 260, height: 140,
      mark: { type: 'point', filled: true, size: 36, opacity: 0.8 },
      encoding: {
        x: { field: 'round', type: 'quantitative', title: 'round', axis: { tickMinStep: 1 } },
        y: { field: 'rel', type: 'quantitative', title: 'value / base median', scale: { zero: false } },
        color: { field: 'side', type: 'nominal', scale: { domain: ['base', 'head'], range: ['#0969da', '#cf222e'] } },
      },
    },
    resolve: { scale: { y: 'independent' } },
  };
}

/** gate.html: status, table, forest plot and per-round dots, one offline file. */
export async function renderGateHtml(r: GateResult): Promise<string> {
  const hasData = r.benchmarks.some((b) => b.rounds.length > 0);
  const forest = hasData ? await renderSvg(forestSpec(r)) : '<p>No rounds completed.</p>';
  const dots = hasData ? await renderSvg(roundsSpec(r)) : '';
  const rows = r.benchmarks
    .map((b) => `<tr><td><code>${escapeHtml(b.name)}</code></td><td class="num">${fmtValue(b.baseMedian, b.unit)}</td><td class="num">${fmtValue(b.headMedian, b.unit)}</td><td>${escapeHtml(fmtChange(b))}</td><td class="num">±${b.thresholdPct === null ? '∞' : b.thresholdPct.toFixed(1)}%</td><td>${b.verdict}${b.acceptedReason ? ` — ${escapeHtml(b.acceptedReason)}` : ''}</td></tr>`)
    .join('\n');
  const body = `<h1>raftrace gate</h1>
<p class="status ${r.status}">${escapeHtml(r.headline)}</p>
<p class="muted">base <code>${r.refs.base.commit.slice(0, 10)}</code> (${escapeHtml(r.refs.base.why)}) → head ${r.refs.head.commit === null ? 'working tree' : `<code>${r.refs.head.commit.slice(0, 10)}</code>`} · suite ${escapeHtml(r.config.suite)} · ${r.processes} processes · ${r.wallSeconds.toFixed(0)} s · ${r.environment.cores} cores, ${escapeHtml(r.environment.cpuModel)}, Node ${escapeHtml(r.environment.node)} · ${escapeHtml(r.startedAt)}</p>
<table><tr><th>benchmark</th><th>base</th><th>head</th><th>change [95% CI]</th><th>T</th><th>verdict</th></tr>
${rows}</table>
<h2>Change per benchmark (forest plot)</h2><div class="chart" id="forest">${forest}</div>
<h2>Every process, per round</h2><div class="chart" id="rounds">${dots}</div>
<p class="muted">Fresh processes, base and head interleaved ABBA/BAAB; Hodges–Lehmann change with its exact Wilcoxon 95% interval; Holm over the suite; T = max(${r.config.floorPct}%, ${r.config.noiseK} × A/A noise).</p>`;
  return page(`raftrace gate — ${r.status}`, body);
}
