import { join } from 'node:path';
import type { TopLevelSpec } from 'vega-lite';
import { escapeHtml, page, renderSvg } from '../../src/gate/charts.js';
import { writeFileAtomic } from '../../src/scenario/atomic-write.js';
import { appendHistory, historyLineOf, readHistory, type HistoryLine } from './history.js';

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';
const STRATEGY_COLORS = { domain: ['racy', 'locked', 'inflight', 'cas'], range: ['#cf222e', '#8250df', '#bf8700', '#1a7f37'] };

interface Summary { median: number; min: number; max: number }
interface CellSummary { cell: { pressure: string; load: string }; strategy: string; createsPerSec: Summary; duplicates: number; orphansAtEnd: number }
interface Run { strategy: string; config: { callersPerCreate: number; cpuBusyShare: number }; latencyMs: { create: { p50: number; p99: number } }; tav: { persistent: number; transient: number } }
interface OrphanRate { orphansObserved: number; failures: number; natsSeconds: number; expectedPerNatsSecond: number; failuresPerNatsSecond: number | null }
export interface BenchResultJson {
  mode: string; partial: boolean; forbidden: boolean; startedAt: string; wallSeconds: number; seed: number;
  machine: { cores: number; cpuModel: string; node: string };
  matrix?: { summaries: CellSummary[]; runs: Run[] };
  experiments?: { orphanRate: OrphanRate };
}

const cellName = (c: { pressure: string; load: string }): string => `${c.pressure} pressure, ${c.load} load`;

function strategiesSpec(m: NonNullable<BenchResultJson['matrix']>): TopLevelSpec {
  const values = m.summaries.map((s) => ({ cell: cellName(s.cell), strategy: s.strategy, median: s.createsPerSec.median, min: s.createsPerSec.min, max: s.createsPerSec.max }));
  return {
    $schema: SCHEMA, data: { values }, facet: { field: 'cell', type: 'nominal', title: null }, columns: 2,
    spec: {
      width: 300, height: 160,
      layer: [
        { mark: 'bar', encoding: { x: { field: 'strategy', type: 'nominal', sort: STRATEGY_COLORS.domain, title: null }, y: { field: 'median', type: 'quantitative', title: 'creates/s (median; rule: min–max)' }, color: { field: 'strategy', type: 'nominal', scale: STRATEGY_COLORS, legend: null } } },
        { mark: { type: 'rule', color: '#1f2328' }, encoding: { x: { field: 'strategy', type: 'nominal', sort: STRATEGY_COLORS.domain }, y: { field: 'min', type: 'quantitative' }, y2: { field: 'max' } } },
      ],
    },
  };
}

function latencySpec(m: NonNullable<BenchResultJson['matrix']>): TopLevelSpec {
  const values = m.runs.flatMap((r) => {
    const cell = `k=${r.config.callersPerCreate}, ${r.config.cpuBusyShare > 0 ? 'heavy' : 'light'}`;
    return [
      { cell, strategy: r.strategy, quantile: 'p50', ms: r.latencyMs.create.p50 },
      { cell, strategy: r.strategy, quantile: 'p99', ms: r.latencyMs.create.p99 },
    ];
  });
  return {
    $schema: SCHEMA, data: { values }, facet: { field: 'cell', type: 'nominal', title: null }, columns: 2,
    spec: {
      width: 300, height: 140,
      mark: { type: 'point', filled: true, size: 40, opacity: 0.75 },
      encoding: {
        y: { field: 'strategy', type: 'nominal', sort: STRATEGY_COLORS.domain, title: null },
        x: { field: 'ms', type: 'quantitative', scale: { type: 'log' }, title: 'create latency, ms (log; ● p50, ◆ p99 of each run)' },
        shape: { field: 'quantile', type: 'nominal', scale: { domain: ['p50', 'p99'], range: ['circle', 'diamond'] } },
        color: { field: 'strategy', type: 'nominal', scale: STRATEGY_COLORS, legend: null },
      },
    },
  };
}

/**
 * racy's orphans failing tav.idx writes over the observation window: the measured count at the end
 * of the window against the count NATS's timing implies at every point of it (the experiment
 * records the total, not a time series, so the measured line joins 0 to the final count).
 */
function tavSpec(o: OrphanRate): TopLevelSpec {
  const steps = 20;
  const values = Array.from({ length: steps + 1 }, (_, i) => {
    const t = (o.natsSeconds * i) / steps;
    return [
      { t, series: 'expected from NATS timing', failures: o.expectedPerNatsSecond * o.orphansObserved * t },
      { t, series: 'measured (total at window end)', failures: (o.failures * i) / steps },
    ];
  }).flat();
  return {
    $schema: SCHEMA, width: 620, height: 220, data: { values },
    mark: { type: 'line', point: false },
    encoding: {
      x: { field: 't', type: 'quantitative', title: 'NATS seconds into the observation window' },
      y: { field: 'failures', type: 'quantitative', title: `tav.idx write failures (${o.orphansObserved} orphans)` },
      color: { field: 'series', type: 'nominal', scale: { range: ['#8c959f', '#cf222e'] }, legend: { labelLimit: 320, orient: 'bottom' } },
      strokeDash: { field: 'series', type: 'nominal', scale: { range: [[4, 3], [1, 0]] } },
    },
  };
}

function historySpec(h: readonly HistoryLine[]): TopLevelSpec {
  const values = h.flatMap((l, i) => Object.entries(l.createsPerSec).map(([strategy, v]) => ({ run: i + 1, label: `${l.commit.slice(0, 7)} ${l.date.slice(0, 10)} ${l.mode}`, strategy, createsPerSec: v })));
  return {
    $schema: SCHEMA, width: 620, height: 220, data: { values },
    mark: { type: 'line', point: true },
    encoding: {
      x: { field: 'run', type: 'quantitative', title: 'bench run (reports/history.jsonl)', axis: { tickMinStep: 1 } },
      y: { field: 'createsPerSec', type: 'quantitative', title: 'creates/s, median over the matrix' },
      color: { field: 'strategy', type: 'nominal', scale: STRATEGY_COLORS },
      tooltip: [{ field: 'label' }, { field: 'strategy' }, { field: 'createsPerSec', format: '.0f' }],
    },
  };
}

/** reports/latest.html: one offline file with every chart as inline SVG. */
export async function renderBenchHtml(r: BenchResultJson, history: readonly HistoryLine[]): Promise<string> {
  const parts: string[] = [
    `<h1>raftrace bench — ${escapeHtml(r.mode)}${r.partial ? ' (PARTIAL)' : ''}</h1>`,
    `<p class="status ${r.forbidden ? 'forbidden' : 'pass'}">${r.forbidden ? 'FORBIDDEN OUTCOME: an atomic strategy produced a duplicate or a leak.' : 'No forbidden outcome: locked, inflight and cas never produced a duplicate or a leak.'}</p>`,
    `<p class="muted">${escapeHtml(r.startedAt)} · ${r.machine.cores} cores · ${escapeHtml(r.machine.cpuModel)} · Node ${escapeHtml(r.machine.node)} · seed ${r.seed} · ${r.wallSeconds.toFixed(0)} s</p>`,
  ];
  if (r.matrix && r.matrix.summaries.length > 0) {
    parts.push('<h2>Strategies side by side, per matrix cell</h2>', `<div class="chart" id="strategies">${await renderSvg(strategiesSpec(r.matrix))}</div>`);
    parts.push('<h2>Create latency per run</h2>', `<div class="chart" id="latency">${await renderSvg(latencySpec(r.matrix))}</div>`);
  } else parts.push('<p>Matrix skipped in this run.</p>');
  if (r.experiments?.orphanRate) parts.push("<h2>racy's orphans: tav.idx failures over the observation window</h2>", `<div class="chart" id="tav">${await renderSvg(tavSpec(r.experiments.orphanRate))}</div>`);
  if (history.length > 0) parts.push('<h2>History</h2>', `<div class="chart" id="history">${await renderSvg(historySpec(history))}</div>`);
  return page(`raftrace bench — ${r.mode}`, parts.join('\n'));
}

/** Appends this run to <out>/history.jsonl and writes <out>/latest.html (atomically). */
export async function writeBenchHtml(outDir: string, r: BenchResultJson): Promise<string> {
  const historyPath = join(outDir, 'history.jsonl');
  await appendHistory(historyPath, historyLineOf(r));
  const path = join(outDir, 'latest.html');
  await writeFileAtomic(path, await renderBenchHtml(r, await readHistory(historyPath)));
  return path;
}
