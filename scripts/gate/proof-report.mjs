// Aggregates the gate proof runs (scripts/gate/proof.mjs) into reports/gate-proof.{json,md}.
// Counts only runs that finished with a gate.json; never extrapolates.
//   node scripts/gate/proof-report.mjs --in .tmp/gate-proof --out reports
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const args = Object.fromEntries(process.argv.slice(2).reduce((acc, a, i, all) => (a.startsWith('--') ? [...acc, [a.slice(2), all[i + 1]]] : acc), []));
const dir = resolve(args.in ?? '.tmp/gate-proof');
const out = resolve(args.out ?? 'reports');
const planted = 'goc.cas.1t-create';

/** Wilson score interval (95%) for k successes in n trials. */
function wilson(k, n) {
  if (n === 0) return null;
  const z = 1.959964;
  const p = k / n;
  const d = 1 + (z * z) / n;
  const c = (p + (z * z) / (2 * n)) / d;
  const h = (z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))) / d;
  return { lo: Math.max(0, c - h), hi: Math.min(1, c + h) };
}
const median = (xs) => {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const plantOf = (kind) => {
  const f = join(dir, kind, 'plant.json');
  return existsSync(f) ? JSON.parse(readFileSync(f, 'utf8')) : null;
};
const read = (kind) => {
  const f = join(dir, kind, 'runs.jsonl');
  if (!existsSync(f)) return [];
  return readFileSync(f, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l)).filter((r) => Array.isArray(r.benchmarks));
};

const kinds = {};
for (const kind of ['aa', 'p10', 'p25']) {
  const runs = read(kind);
  const names = [...new Set(runs.flatMap((r) => r.benchmarks.map((b) => b.name)))];
  const perBenchmark = Object.fromEntries(names.map((n) => {
    const v = runs.map((r) => r.benchmarks.find((b) => b.name === n)?.verdict).filter(Boolean);
    const count = (x) => v.filter((y) => y === x).length;
    return [n, { runs: v.length, regressed: count('regressed'), improved: count('improved'), unchanged: count('unchanged'), inconclusive: count('inconclusive'), medianChangePct: median(runs.map((r) => r.benchmarks.find((b) => b.name === n)?.changePct).filter((x) => x !== undefined)) }];
  }));
  const statuses = {};
  for (const r of runs) statuses[r.status] = (statuses[r.status] ?? 0) + 1;
  const anyRegressed = runs.filter((r) => r.benchmarks.some((b) => b.verdict === 'regressed')).length;
  const det = perBenchmark[planted]?.regressed ?? 0;
  const otherRegressed = runs.filter((r) => r.benchmarks.some((b) => b.name !== planted && b.verdict === 'regressed')).length;
  kinds[kind] = {
    runs: runs.length,
    statuses,
    exitCodes: runs.reduce((a, r) => ({ ...a, [r.exit]: (a[r.exit] ?? 0) + 1 }), {}),
    perBenchmark,
    runsWithAnyRegressed: anyRegressed,
    falseAlarmRate: kind === 'aa' ? { k: anyRegressed, n: runs.length, rate: runs.length ? anyRegressed / runs.length : null, wilson95: wilson(anyRegressed, runs.length) } : { k: otherRegressed, n: runs.length, note: `runs where a benchmark other than ${planted} was flagged regressed` },
    detection: kind === 'aa' ? null : { k: det, n: runs.length, rate: runs.length ? det / runs.length : null, wilson95: wilson(det, runs.length) },
    aaInconclusiveRuns: runs.filter((r) => (r.aaShowsDifference ?? []).length > 0).length,
    gateWallSeconds: { median: median(runs.map((r) => r.gateWallSeconds)), min: runs.length ? Math.min(...runs.map((r) => r.gateWallSeconds)) : null, max: runs.length ? Math.max(...runs.map((r) => r.gateWallSeconds)) : null },
    processes: { median: median(runs.map((r) => r.processes)) },
    loadAverage1m: { median: median(runs.map((r) => r.load)), max: runs.length ? Math.max(...runs.map((r) => r.load)) : null },
    only: runs[0]?.only ?? null,
    plant: plantOf(kind),
    thresholdPctMedian: Object.fromEntries(names.map((n) => [n, median(runs.map((r) => r.benchmarks.find((b) => b.name === n)?.thresholdPct).filter((x) => typeof x === 'number'))])),
    byLoad: Object.fromEntries([['quiet (1-min load < 3)', (r) => r.load < 3], ['loaded (1-min load ≥ 3)', (r) => r.load >= 3]].map(([label, pred]) => {
      const sub = runs.filter(pred);
      return [label, { runs: sub.length, anyRegressed: sub.filter((r) => r.benchmarks.some((b) => b.verdict === 'regressed')).length, plantedDetected: sub.filter((r) => r.benchmarks.some((b) => b.name === planted && b.verdict === 'regressed')).length }];
    })),
    firstStartedAt: runs[0]?.startedAt ?? null,
    lastStartedAt: runs.at(-1)?.startedAt ?? null,
  };
}
const sizes = [['p10', 10], ['p25', 25]];
const detected90 = sizes.filter(([k]) => kinds[k].runs > 0 && kinds[k].detection.rate >= 0.9).map(([, s]) => s);
const result = {
  schema: 'raftrace.gate-proof/1',
  generatedAt: new Date().toISOString(),
  reproduce: 'node scripts/gate/proof.mjs --kinds aa,p25,p10 --runs 20 --until HH:MM --out .tmp/gate-proof; node scripts/gate/proof-report.mjs --in .tmp/gate-proof --out reports --machine "<what else ran>"',
  machine: args.machine ?? null,
  plantedBenchmark: planted,
  kinds,
  smallestSlowdownDetectedIn90PctPct: detected90.length ? Math.min(...detected90) : null,
};
const f = (x, d = 0) => (x === null || x === undefined ? 'n/a' : Number(x).toFixed(d));
const pct = (r) => (r === null || r === undefined ? 'n/a' : `${(r * 100).toFixed(0)}%`);
const ci = (w) => (w ? `[${pct(w.lo)}, ${pct(w.hi)}]` : '');
const md = [
  '# Gate proof: false alarms, detection, time',
  '',
  `Generated ${result.generatedAt} from the runs that finished (no extrapolation), full quick suite${Object.values(kinds)[0]?.only ? ` restricted to ${Object.values(kinds)[0].only}` : ''}. Machine: 2 cores; ${result.machine ?? 'see the load figures'} (1-minute load average per run: median ${f(median(Object.values(kinds).map((k) => k.loadAverage1m.median).filter((x) => x !== null)), 1)}, max ${f(Math.max(...Object.values(kinds).map((k) => k.loadAverage1m.max ?? 0)), 1)}). Kinds ran one at a time, round-robin (A/A, 25%, 10%, A/A, …), each in its own temp clone.`,
  '',
  ...Object.entries(kinds).filter(([, v]) => v.plant?.planted).map(([k, v]) => { const p = v.plant.planted; return `- Plant ${k}: every \`cas\` get-or-create call first runs ${p.iterations} Atomics.add on a private word. Measured at setup (11 fresh processes each side, medians): ${p.benchmark} ${f(p.unplantedMedianNs)} ns unplanted (a get-or-create plus its unregister; ${p.unplantedValuesNs.map((x) => f(x)).join(', ')}), planted ${f(median(p.calibration[p.calibration.length - 1].plantedValuesNs))} ns: **realized +${f(100 * p.realizedFraction, 1)}%** (calibration steps: ${p.calibration.map((c) => `${c.iterations} it. → +${f(100 * c.realized, 1)}%`).join('; ')}).`; }),
  '',
  `Reproduce: \`${result.reproduce}\``,
  '',
  '| runs of | finished | gate wall time, median (min–max) | regressed flagged | detection of the planted slowdown [95% Wilson] | A/A check tripped |',
  '|---|---:|---|---|---|---:|',
  ...Object.entries(kinds).map(([k, v]) => `| ${k === 'aa' ? 'A/A (base = head)' : `planted +${k === 'p10' ? '10' : '25'}% CPU on cas get-or-create`} | ${v.runs} | ${f(v.gateWallSeconds.median)} s (${f(v.gateWallSeconds.min)}–${f(v.gateWallSeconds.max)}) | ${k === 'aa' ? `${v.falseAlarmRate.k} of ${v.runs} runs (${pct(v.falseAlarmRate.rate)} ${ci(v.falseAlarmRate.wilson95)})` : `other benchmarks: ${v.falseAlarmRate.k} of ${v.runs}`} | ${v.detection ? `${v.detection.k} of ${v.runs} (${pct(v.detection.rate)} ${ci(v.detection.wilson95)})` : '—'} | ${v.aaInconclusiveRuns} |`),
  '',
  `Smallest planted slowdown detected in ≥ 90% of runs: ${result.smallestSlowdownDetectedIn90PctPct === null ? '**none of the sizes tried reached 90% in the runs that finished**' : `**${result.smallestSlowdownDetectedIn90PctPct}%**`}.`,
  '',
  '## By machine load',
  '',
  '| runs of | load | runs | any benchmark regressed | planted detected |',
  '|---|---|---:|---:|---:|',
  ...Object.entries(kinds).flatMap(([k, v]) => Object.entries(v.byLoad).map(([label, b]) => `| ${k} | ${label} | ${b.runs} | ${b.anyRegressed} | ${k === 'aa' ? '—' : b.plantedDetected} |`)),
  '',
  '## Verdicts per benchmark',
  '',
  '| runs of | benchmark | runs | regressed | improved | unchanged | inconclusive | median change | median threshold T |',
  '|---|---|---:|---:|---:|---:|---:|---:|---:|',
  ...Object.entries(kinds).flatMap(([k, v]) => Object.entries(v.perBenchmark).map(([n, b]) => `| ${k} | \`${n}\` | ${b.runs} | ${b.regressed} | ${b.improved} | ${b.unchanged} | ${b.inconclusive} | ${b.medianChangePct === null ? 'n/a' : `${b.medianChangePct >= 0 ? '+' : ''}${b.medianChangePct.toFixed(1)}%`} | ${f(v.thresholdPctMedian[n], 1)}% |`)),
  '',
].join('\n');
writeFileSync(join(out, '.gate-proof.json.tmp'), `${JSON.stringify(result, null, 2)}\n`);
renameSync(join(out, '.gate-proof.json.tmp'), join(out, 'gate-proof.json'));
writeFileSync(join(out, '.gate-proof.md.tmp'), md);
renameSync(join(out, '.gate-proof.md.tmp'), join(out, 'gate-proof.md'));
console.log(md);
