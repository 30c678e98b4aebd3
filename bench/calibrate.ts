import { readFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { writeFileAtomic } from '../src/scenario/atomic-write.js';
import { machineFacts } from '../src/scenario/machine.js';
import { calibrationPhase, SIDES, type CalibrationPhase, type CalibrationResult, type Side } from './scenario/calibration.js';
import { renderReproducibility } from './scenario/calibration-compare.js';
import { renderCalibration } from './scenario/calibration-render.js';
import { poolable, renderTransientPool } from './scenario/calibration-transient.js';

/**
 * `npm run calibrate -- [--seed N] [--groups N] [--repeats N] [--phase after|interleaved] [--lifetime-ms N] [--sides real,model,modelK1] [--tag T]`:
 * the calibration section alone, written as reports/nats-calibration-<date>[-<tag>].{json,md}.
 * `--pool a.json,b.json,…`: the transient-rate ratio pooled over saved reports (see poolReports).
 * Exit 0; 2 bad input; 4 if a run had a harness failure; 130 interrupted.
 */
const fail = (msg: string): never => {
  console.error(`raftrace calibrate: ${msg}`);
  process.exit(2);
};
let values: Record<string, string | undefined>;
try {
  values = parseArgs({ options: { seed: { type: 'string' }, groups: { type: 'string' }, repeats: { type: 'string' }, phase: { type: 'string' }, tag: { type: 'string' }, sides: { type: 'string' }, render: { type: 'string' }, compare: { type: 'string' }, pool: { type: 'string' }, 'lifetime-ms': { type: 'string' } } }).values;
} catch (e) {
  fail(e instanceof Error ? e.message : String(e));
}
const int = (name: string, dflt: number, max: number, min = 1): number => {
  const v = values![name];
  const n = v === undefined ? dflt : Number(v);
  return Number.isInteger(n) && n >= min && n <= max ? n : fail(`--${name}: must be an integer in [${min}, ${max}]; got ${JSON.stringify(v)}`);
};
const seed = int('seed', 1, 0xffff_fff0);
const groups = int('groups', 200, 20_000);
const repeats = int('repeats', 2, 20);
const phase = (values!.phase ?? 'after') as CalibrationPhase;
if (phase !== 'after' && phase !== 'interleaved') fail(`--phase: must be one of after, interleaved; got ${JSON.stringify(phase)}`);
const sides = (values!.sides ?? SIDES.join(',')).split(',') as Side[];
if (sides.some((x) => !SIDES.includes(x))) fail(`--sides: must be a comma list of ${SIDES.join(', ')}; got ${JSON.stringify(values!.sides)}`);
// Group lifetime of the interleaved phase, both sides alike (the 'after' phase has none).
const lifetimeMs = values!['lifetime-ms'] === undefined ? undefined : int('lifetime-ms', 0, 600_000, 0);
if (lifetimeMs !== undefined && phase !== 'interleaved') fail(`--lifetime-ms: applies to --phase interleaved only; got --phase ${phase}`);
const tag = values!.tag ?? '';
if (!/^[\w-]*$/.test(tag)) fail(`--tag: must be letters, digits, - or _; got ${JSON.stringify(tag)}`);

// --render <a.json>: re-render a report's Markdown from its JSON; --compare <a.json,b.json>: reproducibility of two runs.
if (values!.render !== undefined || values!.compare !== undefined || values!.pool !== undefined) {
  type Saved = CalibrationResult & { command: string; startedAt: string; wallSeconds: number; seed: number; machine: { cores: number; cpuModel: string; node: string } };
  const load = async (p: string): Promise<Saved> => {
    try {
      return JSON.parse(await readFile(p, 'utf8')) as Saved;
    } catch (e) {
      return fail(`${p}: ${e instanceof Error ? e.message : String(e)}`);
    }
  };
  if (values!.render !== undefined) {
    const r = await load(values!.render);
    const m = r.machine;
    process.stdout.write(`# raftrace calibration: model and a real nats-server cluster\n\n${r.startedAt} · ${m.cores} cores · ${m.cpuModel} · Node ${m.node} · seed ${r.seed} · ${r.wallSeconds.toFixed(0)} s · reproduce: \`${r.command}\`\n\n${renderCalibration(r)}\n`);
  } else if (values!.pool !== undefined) {
    const reports = await Promise.all(values!.pool.split(',').map(load));
    let pooled: CalibrationResult[] = [];
    try {
      pooled = poolable(reports, '--pool');
    } catch (e) {
      fail(e instanceof Error ? e.message : String(e));
    }
    process.stdout.write(`${renderTransientPool(pooled)}\n`);
  } else {
    const [pa, pb] = values!.compare!.split(',');
    if (pa === undefined || pb === undefined) fail('--compare: must be a.json,b.json');
    const [a, b] = [await load(pa!), await load(pb!)];
    process.stdout.write(`Run A: \`${a.command}\` (${a.startedAt}); run B: \`${b.command}\` (${b.startedAt}).\n\n${renderReproducibility(a, b)}\n`);
  }
  process.exit(0);
}

// First SIGINT/SIGTERM: stop after the current run's cleanup; second: exit now (the clusters' exit backstops kill their servers).
const abort = new AbortController();
const onSignal = (): void => {
  if (abort.signal.aborted) process.exit(130);
  abort.abort();
};
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);
const started = new Date();
const machine = machineFacts();
const c = await calibrationPhase({ groups, repeats, deletePhase: phase, sides, ...(lifetimeMs === undefined ? {} : { groupLifetimeMs: lifetimeMs }) }, Math.max(2, cpus().length), seed, abort.signal, (l) => console.log(l));
const wallSeconds = (Date.now() - started.getTime()) / 1000;
const base = `nats-calibration-${started.toISOString().slice(0, 10)}${tag ? `-${tag}` : ''}`;
const cmd = `npm run calibrate -- --seed ${seed} --groups ${groups} --repeats ${repeats} --phase ${phase}${lifetimeMs === undefined ? '' : ` --lifetime-ms ${lifetimeMs}`}${values!.sides ? ` --sides ${values!.sides}` : ''}${tag ? ` --tag ${tag}` : ''}`;
const head = `# raftrace calibration: model and a real nats-server cluster\n\n${started.toISOString()} · ${machine.cores} cores · ${machine.cpuModel} · Node ${machine.node} · seed ${seed} · ${wallSeconds.toFixed(0)} s · reproduce: \`${cmd}\`\n\n`;
await writeFileAtomic(join('reports', `${base}.json`), `${JSON.stringify({ schema: 'raftrace.calibration/1', command: cmd, seed, startedAt: started.toISOString(), wallSeconds, machine, partial: abort.signal.aborted, ...c.json }, null, 2)}\n`);
await writeFileAtomic(join('reports', `${base}.md`), `${head}${c.md}\n`);
console.log(`\n${head}${c.md}\n\nwrote reports/${base}.{json,md}`);
process.exit(c.json.available && c.json.runs.some((r) => r.harnessFailure !== null) ? 4 : abort.signal.aborted ? 130 : 0);
