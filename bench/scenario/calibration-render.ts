import { median } from 'simple-statistics';
import { wilsonInterval } from '../../src/scenario/binomial.js';
import { poolSide, transientVerdict } from './calibration-transient.js';
import { GAP_FLAG, METRICS, SIDES, type Calibration, type CalibrationFigures, type CalibrationRun, type Side } from './calibration.js';

const SIDE_HEAD: Record<Side, string> = { real: 'real nats-server', model: 'model, same knobs', modelK1: 'model, k=1' };

function fmt(x: number, d: number): string {
  return Number.isFinite(x) ? x.toFixed(d) : '–';
}

/** Median over the repeats of one side, and the per-repeat values ("a / b"). */
function cell(runs: readonly CalibrationRun[], side: Side, key: keyof CalibrationFigures, d: number): { med: number; text: string } {
  const v = runs.filter((r) => r.side === side).map((r) => r.figures[key]);
  if (v.length === 0) return { med: Number.NaN, text: '–' };
  const med = median(v);
  return { med, text: v.length > 1 ? `${fmt(med, d)} (${v.map((x) => fmt(x, d)).join(' / ')})` : fmt(med, d) };
}

/** model ÷ real, with the flag when the two differ by more than GAP_FLAG× either way. */
function ratioText(model: number, real: number): string {
  if (Number.isNaN(model) || Number.isNaN(real)) return '– (side not run)';
  if (model === 0 && real === 0) return '= (both 0)';
  if (real === 0) return `∞ **> ${GAP_FLAG}×**`;
  const r = model / real;
  const flagged = r > GAP_FLAG || r < 1 / GAP_FLAG;
  return `${fmt(r, 2)}×${flagged ? ` **> ${GAP_FLAG}× gap**` : ''}`;
}

/**
 * Transient failures are rare (a real cluster: about 1 per 780 deletions), so this row pools the
 * repeats and gives 95% Wilson intervals; a gap is flagged only when the ratio is beyond GAP_FLAG×
 * AND the intervals do not overlap (otherwise the runs cannot tell the two rates apart).
 */
function transientRow(runs: readonly CalibrationRun[], label: string): string {
  const pooled = (side: Side): { rate: number; low: number; high: number; text: string } => {
    const rs = runs.filter((r) => r.side === side);
    const n = Math.round(rs.reduce((k, r) => k + r.figures.deletions, 0));
    const x = Math.min(n, rs.reduce((k, r) => k + r.figures.transient, 0));
    if (n === 0) return { rate: Number.NaN, low: 0, high: 1, text: '–' };
    const w = wilsonInterval(x, n);
    return { ...w, text: `${fmt(w.rate, 4)} (${x}/${n}; ${fmt(w.low, 4)}–${fmt(w.high, 4)})` };
  };
  const real = pooled('real');
  const vs = (m: ReturnType<typeof pooled>): string => {
    if (Number.isNaN(m.rate) || Number.isNaN(real.rate)) return '– (side not run)';
    const overlap = m.low <= real.high && real.low <= m.high;
    const base = ratioText(m.rate, real.rate).replace(` **> ${GAP_FLAG}× gap**`, '').replace(` **> ${GAP_FLAG}×**`, '');
    return overlap ? `${base} (intervals overlap)` : `${base} **> ${GAP_FLAG}× gap** (intervals apart)`;
  };
  const cells = SIDES.map((x) => pooled(x));
  return `| ${label}, pooled (count/deletions; 95% interval) | ${cells.map((x) => x.text).join(' | ')} | ${vs(pooled('model'))} | ${vs(pooled('modelK1'))} |`;
}

/** The calibration section of the bench report. */
export function renderCalibration(c: Calibration): string {
  if (!c.available) return `Skipped: ${c.reason}`;
  const s = c.shape;
  const lines = [
    `Real: nats-server ${c.server.version} (${c.server.path}), ${s.servers} servers on 127.0.0.1, R${s.replicas} file consumers. Model: ${c.modelLabel}, at real time (timeScaleMs ${s.timeScaleMs}).`,
    `Same shape on both: ${s.groups} groups, concurrency ${s.concurrency}, ${s.callersPerCreate} callers per create spread over ${s.callerSpreadMs} ms, ${s.deletePhase === 'after' ? 'all created, then all deleted (each phase timed alone)' : `each deleted ≤ ${s.groupLifetimeMs} ms after its creation`}, ${s.entriesPerSecondPerGroup} Raft entries/s per group (real: ${s.entriesPerSecondPerGroup * s.concurrency} msg/s of 1 KiB into the R3 stream). Units normalised to consumers (groups).`,
    `Each cell: median over repeats (each repeat's value); ratio = model ÷ real, flagged beyond ${GAP_FLAG}× either way.`,
    '',
    `| metric | ${SIDES.map((x) => SIDE_HEAD[x]).join(' | ')} | model ÷ real | model k=1 ÷ real |`,
    `|---|${SIDES.map(() => '---:').join('|')}|---|---|`,
  ];
  for (const m of METRICS) {
    if (m.key === 'transientPerDeletion') {
      lines.push(transientRow(c.runs, m.label));
      continue;
    }
    const cells = Object.fromEntries(SIDES.map((x) => [x, cell(c.runs, x, m.key, m.digits)])) as Record<Side, { med: number; text: string }>;
    lines.push(`| ${m.label} | ${SIDES.map((x) => cells[x].text).join(' | ')} | ${ratioText(cells.model.med, cells.real.med)} | ${ratioText(cells.modelK1.med, cells.real.med)} |`);
  }
  const tot = (side: Side): string => {
    const rs = c.runs.filter((r) => r.side === side);
    return `${rs.reduce((n, r) => n + r.figures.transient, 0)} in ${rs.reduce((n, r) => n + r.figures.deletions, 0)} deletions`;
  };
  lines.push('', `Transient failures in total: real ${tot('real')}; model ${tot('model')}; model k=1 ${tot('modelK1')}.`);
  const real = poolSide([c], 'real');
  lines.push('', `Transient failures per deletion within 3× of the real cluster's? (runs with a harness failure left out)`, transientVerdict(poolSide([c], 'modelK1'), real, 'model k=1 ÷ real'), transientVerdict(poolSide([c], 'model'), real, 'model, same knobs ÷ real'));
  const causes = c.runs.filter((r) => r.side === 'real' && r.causes !== undefined);
  if (causes.length > 0) {
    const sum = (k: 'transferCampaigns' | 'stepdowns' | 'transientGroups' | 'afterTransferCampaign'): number => causes.reduce((n, r) => n + r.causes![k], 0);
    const dels = causes.reduce((n, r) => n + r.figures.deletions, 0);
    lines.push('', `Real side, from the servers' debug logs (${causes.length} run(s), ${dels} deletions): ${sum('stepdowns')} leader stepdowns and ${sum('transferCampaigns')} leader-transfer campaigns ("Starting transfer campaign", raft.go:1318 @ v2.9.10); ${sum('afterTransferCampaign')} of ${sum('transientGroups')} (server, group)s with transient failures logged their group's transfer campaign ≤ 2 s before the failure. The model's 2.9.10 profile makes the same transfer on delete (RaftNode.stepDown, delete-node.ts).`);
  }
  const failures = c.runs.filter((r) => r.harnessFailure !== null);
  if (failures.length > 0) lines.push('', ...failures.map((r) => `- harness failure in ${SIDE_HEAD[r.side]} repeat ${r.repeat}: ${r.harnessFailure}`));
  return lines.join('\n');
}
