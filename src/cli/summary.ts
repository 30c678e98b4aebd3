import type { ScenarioResult } from '../scenario/result.js';
import type { Paint } from './color.js';

const fix = (n: number, d = 1): string => n.toFixed(d);

/** The human summary of one run: a two-column table, then the verdict and its reasons. */
export function renderSummary(r: ScenarioResult, p: Paint): string {
  const c = r.config;
  const rows: [string, string][] = [
    ['run', `${r.strategy} · seed ${r.seed} · ${c.groups} groups · ${c.servers} servers R${c.replicas} · ${r.server ? `real nats-server ${r.server.version}` : `${c.workers} workers · disk ${c.disk}`}`],
    ['throughput', `${fix(r.throughput.groupsPerSec)} groups/s · ${fix(r.throughput.createsPerSec)} creates/s · ${fix(r.throughput.deletesPerSec)} deletes/s (churn ${fix(r.throughput.churnSeconds, 2)} s)`],
    ['create latency', `p50 ${fix(r.latencyMs.create.p50, 2)} ms · p99 ${fix(r.latencyMs.create.p99, 2)} ms (n ${r.latencyMs.create.n})`],
    ['delete latency', `p50 ${fix(r.latencyMs.delete.p50, 2)} ms · p99 ${fix(r.latencyMs.delete.p99, 2)} ms (n ${r.latencyMs.delete.n})`],
    ['groups cycled', `${r.counts.groupsCycled}/${c.groups} · ${r.counts.createRequests} create requests · ${r.counts.createFailures} create / ${r.counts.deleteFailures} delete failures`],
    ...(r.verdict.exercised ? [['contended', `${r.verdict.exercised.pairsOk} (server, group)s with 2+ successful callers, of ${r.verdict.exercised.pairs} (clean needs ${r.verdict.exercised.minimum})`] as [string, string]] : []),
    ['duplicates', count(r.counts.duplicates, p)],
    ['orphans', `${count(r.leaks.orphansAtEnd, p)} at end · ${r.leaks.orphansSeenDuringRun} seen during run`],
    ['tav.idx failures', `${r.tav.transient} transient · ${count(r.tav.persistent, p)} persistent (${r.tav.enoent} ENOENT, ${r.tav.other} other, of ${r.tav.writes ?? 'uncounted'} writes)`],
    ['safety violations', `${count(r.counts.raftSafetyViolations ?? 0, p)}${r.counts.raftSafetyViolations === null ? ' (not observable)' : ''} Raft · ${r.counts.leaderConflicts ?? 'n/a'} leader conflicts`],
    ['wall time', `${fix(r.wallSeconds, 2)} s`],
  ];
  if (r.tav.orphanFailuresPerNatsSecond !== null) {
    rows.splice(8, 0, ['orphan tav rate', `${fix(r.tav.orphanFailuresPerNatsSecond, 3)}/NATS s measured · ${fix(r.tav.expectedOrphanFailuresPerNatsSecond, 3)}/NATS s expected`]);
  }
  if (r.partial) rows.push(['partial', p.yellow(r.harnessFailure === null ? 'yes: interrupted before the end' : 'yes: ended early by a harness failure')]);
  if (r.harnessFailure !== null) rows.push(['harness failure', p.red(r.harnessFailure)]);
  rows.push(['verdict', verdictText(r, p)]);
  const width = Math.max(...rows.map(([k]) => k.length));
  const lines = rows.map(([k, v]) => `  ${k.padEnd(width)}  ${v}`);
  for (const reason of r.verdict.reasons) lines.push(`  ${' '.repeat(width)}  - ${reason}`);
  return `${lines.join('\n')}\n`;
}

function count(n: number, p: Paint): string {
  return n > 0 ? p.bold(String(n)) : String(n);
}

function verdictText(r: ScenarioResult, p: Paint): string {
  const text = outcomeText(r, p);
  return r.partial && r.verdict.outcome !== 'forbidden' ? `${text} ${p.yellow('[partial run: not conclusive]')}` : text;
}

function outcomeText(r: ScenarioResult, p: Paint): string {
  switch (r.verdict.outcome) {
    case 'clean':
      return p.green('clean') + ' (no duplicate, no leak)';
    case 'leaked':
      return p.yellow('leaked') + ` (the #5824 race, expected under ${r.strategy})`;
    case 'forbidden':
      return p.red(p.bold('FORBIDDEN')) + ` (a duplicate or leak under the atomic strategy ${r.strategy})`;
    case 'inconclusive':
      return p.yellow('inconclusive') + ' (no duplicate or leak seen, but too few contended creations succeeded to claim clean)';
  }
}
