import type { GocResult } from './multi-thread.js';
import type { MicroResult } from './single-thread.js';
import type { TargetCheck } from './targets.js';

const f = (x: number, d = 1): string => (Number.isFinite(x) ? x.toFixed(d) : '∞');
const kops = (x: number): string => `${f(x / 1000, 1)}k`;

export function renderMicroMarkdown(single: readonly MicroResult[], multi: readonly GocResult[], targets: readonly TargetCheck[]): string {
  const lines: string[] = [];
  lines.push('### Single-thread hot paths (uncontended)', '', '| operation | ns/op median | ns/op p99 | rme % | samples |', '|---|---:|---:|---:|---:|');
  for (const r of single) lines.push(`| ${r.name} | ${f(r.nsPerOpMedian)} | ${f(r.nsPerOpP99)} | ${f(r.rmePct, 2)} | ${r.samples} |`);
  lines.push('', '### Get-or-create across threads (zero-latency window)', '');
  lines.push('Each op: `create(name)`; *disjoint* also unregisters it (every op is a real creation), *shared* walks one name list in every thread (one creation, the rest hits or waits). ops/s is all threads together; spread is the interquartile range over repeats.', '');
  lines.push('| variant | threads | names | ops/s median | IQR % | ns/op per thread |', '|---|---:|---|---:|---:|---:|');
  for (const r of multi) lines.push(`| ${r.variant} | ${r.threads} | ${r.pattern} | ${kops(r.opsPerSec.median)} | ${f(r.opsPerSec.iqrPct)} | ${f(r.nsPerOpPerThread, 0)} |`);
  lines.push('', '### Targets', '', '| target | measured | goal | met |', '|---|---:|---|---|');
  for (const t of targets) lines.push(`| ${t.description} | ${f(t.measured, 2)}× | ${t.goal} | ${t.met ? 'yes' : '**no**'} |`);
  return lines.join('\n');
}
