import type { Summary } from '../../src/scenario/stats.js';
import type { CaseResult } from './measure.js';
import { BATCH_TICKS } from './measure.js';
import type { HostBenchResult } from './run.js';

const f = (x: number, d = 1): string => (Number.isFinite(x) ? x.toFixed(d) : '∞');
const k = (x: number): string => `${f(x / 1000, 0)}k`;
const mib = (bytes: number): string => `${f(bytes / 2 ** 20, 0)} MiB`;
const spread = (s: Summary, fmt: (x: number) => string): string => `${fmt(s.min)}–${fmt(s.max)}`;
const perWorker = (c: CaseResult, g: (i: number) => string): string => c.tickMsPerWorker.map((_, i) => g(i)).join(' / ');

function caseTable(rows: readonly CaseResult[], store: boolean): string[] {
  const L = [
    '| nodes | workers | tick | heartbeat ticks | tick ms median (per worker) | tick CPU ms mean | spread (w0) | p99 | busy ms/tick | node ticks / tick | deliveries / tick | parked share | cross msgs/s (spread) | all deliveries/s | loop ticks/s | heap / idle node | ' + (store ? 'memfs / node | ' : '') + 'populate s | leaders | lost |',
    '|---:|---:|---|---:|---|---|---:|---|---|---:|---:|---:|---|---:|---:|---:|' + (store ? '---:|' : '') + '---:|---:|---:|',
  ];
  for (const c of rows) {
    const storeCol = store ? `${f(c.heapPerWorker.reduce((n, h, i) => n + h.perNodeStoreBytes * c.nodesPerWorker[i]!, 0) / c.nodesTotal, 0)} B | ` : '';
    L.push(
      `| ${c.nodesTotal} | ${c.workers} | ${c.tickMode} | ${c.heartbeatTicks} | ${perWorker(c, (i) => f(c.tickMsPerWorker[i]!.medianMs, 2))} | ${c.tickCpuMsMeanPerWorker.map((x) => f(x, 2)).join(' / ')} | ${spread(c.tickMsMedianPerRepeat, (x) => f(x, 2))} | ${perWorker(c, (i) => f(c.tickMsPerWorker[i]!.p99Ms, 2))} | ${c.busyMsPerTickPerWorker.map((x) => f(x, 2)).join(' / ')} | ` +
        `${f(c.nodesTickedPerTick, 0)} | ${f(c.deliveriesPerTick, 0)} | ${f(c.parkedShare, 2)} | ${c.workers > 1 ? `${k(c.crossMessagesPerSec.median)} (${spread(c.crossMessagesPerSec, k)})` : '–'} | ${k(c.deliveredPerSec.median)} | ${f(c.loopTicksPerSec.median, 0)} | ` +
        `${f(c.heapPerIdleNodeBytes, 0)} B | ${storeCol}${f(c.populateWallMs / 1000, 1)} | ${c.leadersAfter}/${c.groups} | ${c.lostInWindows} |`,
    );
  }
  return L;
}

/** Per scaling round, each size's median tick and (due mode) largest ÷ smallest. */
function roundsTable(rounds: HostBenchResult['scalingRounds']): string[] {
  if (rounds.length === 0) return [];
  const L = ['| round | tick | median tick ms per size | largest ÷ smallest |', '|---:|---|---|---:|'];
  rounds.forEach((x, i) => {
    const sizes = x.nodes.map((n, j) => `${f(n / 1000, 0)}k ${f(x.medianMs[j]!, 2)}`).join(' · ');
    const round = rounds.slice(0, i + 1).filter((y) => y.tickMode === x.tickMode).length;
    L.push(`| ${round} | ${x.tickMode} | ${sizes} | ${x.nodes.length > 1 ? `${f(x.medianMs[x.medianMs.length - 1]! / Math.max(x.medianMs[0]!, 0.05), 2)}×` : '–'} |`);
  });
  return [...L, ''];
}

/** The host figures as a Markdown section (### headings, tables), ready to append to a report. */
export function renderHostMarkdown(r: HostBenchResult): string {
  const store = r.disk === 'fs' ? 'FsDisk on a temp run store' : 'MemDisk (one volume per worker)';
  const L: string[] = [
    `R3 groups on 3 servers, \`cas\` creation through NATS's create path, no load: steady state is the leaders' heartbeats and their answers. ` +
      `Groups are created in as many waves as the heartbeat period has ticks, one tick apart, so leaders' heartbeats fall evenly on every tick as they do on a server whose groups came over time (created all at once, every group's first campaign is drawn from NATS's 1–8 campaign ticks, and 8 of every 10 ticks carried a quarter more heartbeats than the mean while 2 carried none). ` +
      `\`tick\` = \`due\`: the timer wheel (a tick touches only nodes whose timer is due) with steady nodes parked (their heartbeats answered from a dense per-node record, not their objects); \`unparked\`: the same without parking; \`every\`: the former loop over every node; same code otherwise, same seed and trace, measured in the same run. ` +
      `Ticks driven by hand in lockstep batches of ${BATCH_TICKS}; tick ms is one core tick alone (local deliveries included), tick CPU ms the worker thread's CPU time per tick, mean over the windows (Linux schedstat: a loaded machine inflates it least); busy ms/tick adds delivering the other worker's batches. ` +
      'Spread = min–max of per-repeat medians. Node ticks / tick = Raft nodes the core ticked per tick (due timers). Parked share = the share of those node ticks and deliveries that parked nodes took from their records (near 1: steady state). Heap: heapUsed plus the isolate\'s ArrayBuffers (the host\'s per-node tables live there) after two full GCs in a fresh worker isolate, minus the empty host, per node' +
      (r.disk === 'memfs' ? ', after dropping the memfs volume (its share is its own column).' : '.') + ' Lost = messages dropped or shed in the measured windows (must be 0).',
    '',
    `### Host: one worker, NATS timing (${store})`,
    '',
    ...caseTable(r.oneWorker, r.disk === 'memfs'),
    '',
    `### Host: two workers, a MessageChannel between them (${store})`,
    '',
    "Each group's replicas split over both workers (worker = (group + server) mod 2), so heartbeats and answers cross the channel; messages/s per wall second of the lockstep loop.",
    '',
    ...caseTable(r.twoWorkers, r.disk === 'memfs'),
    '',
    '### Host: 1M nodes across two workers (NullDisk)',
    '',
    "NullDisk: every create still runs NATS's window op for op, but nothing is stored (a memfs volume for 1M nodes would be several GiB of heap).",
    '',
    ...caseTable(r.million, false),
    '',
    '### Host: the same due timers per tick at every size (one worker, NullDisk)',
    '',
    'Heartbeat period (and every other Raft period) scaled with N (10 ticks at 10k nodes, 100 at 100k, 1000 at 1M), groups created in as many waves as the period has ticks, so each tick has about the same number of due heartbeats and answers whatever the node count. Each size is warmed up for 2 heartbeat periods (steady state: every group parked). `every` shows what the former loop costs at the same sizes. ' +
      'The sizes stay alive side by side and take turns, one window each per round, so the ratio between sizes is taken within a round (this machine drifts by half between runs minutes apart).',
    '',
    ...caseTable(r.scaling, false),
    '',
    ...roundsTable(r.scalingRounds),
    '### Host targets (issue #10)',
    '',
    '| target | measured | goal | met |',
    '|---|---|---|---|',
  ];
  for (const t of r.targets) L.push(`| ${t.description} | ${t.measured} | ${t.goal} | ${t.met === null ? 'n/a' : t.met ? 'yes' : '**no**'} |`);
  if (r.failures.length > 0) L.push('', `**Failed cases** (not in the tables): ${r.failures.join('; ')}`);
  L.push('', `Host heap per worker after the run (host only): ${[...r.oneWorker, ...r.twoWorkers, ...r.million, ...r.scaling].map((c) => `${c.nodesTotal}/${c.tickMode}: ${c.heapPerWorker.map((h) => mib(h.hostOnlyBytes)).join(' + ')}`).join('; ')}.`);
  return L.join('\n');
}
