import { STRATEGY_NAMES } from '../create/strategy.js';
import { defaultConfig, PRESETS, type ScenarioConfig } from '../scenario/config.js';

type Field = keyof ScenarioConfig;

/** One `raftrace run` flag that sets ScenarioConfig field(s). */
export interface ConfigFlag {
  /** Commander flag spelling, e.g. `--groups <n>`. */
  readonly flags: string;
  /** Commander's attribute name for it (camelCase of the long flag). */
  readonly attr: string;
  /** The config fields it sets (two for --disk-latency-ms). */
  readonly fields: readonly Field[];
  readonly kind: 'int' | 'number' | 'string' | 'range';
  /** What it means, with its unit. */
  readonly help: string;
  /** Overrides the default shown in --help (when the default is computed). */
  readonly defaultText?: string;
}

export const CONFIG_FLAGS: readonly ConfigFlag[] = [
  { flags: '--target <name>', attr: 'target', fields: ['target'], kind: 'string', help: 'what runs the churn: workers (the worker_threads model) | nats (a real 3-server nats-server cluster on 127.0.0.1; see --nats-server)' },
  { flags: '--strategy <name>', attr: 'strategy', fields: ['strategy'], kind: 'string', help: `creation strategy: ${STRATEGY_NAMES.join(' | ')}` },
  { flags: '--seed <n>', attr: 'seed', fields: ['seed'], kind: 'int', help: 'PRNG seed, integer in [0, 4294967295]; replays a run', defaultText: 'a fresh one, printed first' },
  { flags: '--servers <n>', attr: 'servers', fields: ['servers'], kind: 'int', help: 'servers in the cluster' },
  { flags: '--replicas <n>', attr: 'replicas', fields: ['replicas'], kind: 'int', help: 'replicas per group (R), at most --servers' },
  { flags: '--workers <n>', attr: 'workers', fields: ['workers'], kind: 'int', help: 'worker threads hosting the Raft nodes', defaultText: 'max(2, CPU cores)' },
  { flags: '--groups <n>', attr: 'groups', fields: ['groups'], kind: 'int', help: 'groups created and then deleted over the run' },
  { flags: '--concurrency <n>', attr: 'concurrency', fields: ['concurrency'], kind: 'int', help: 'groups whose create/delete cycle is in flight at once' },
  { flags: '--callers <n>', attr: 'callers', fields: ['callersPerCreate'], kind: 'int', help: 'concurrent creation requests per (server, group)' },
  { flags: '--caller-spread-ms <ms>', attr: 'callerSpreadMs', fields: ['callerSpreadMs'], kind: 'number', help: 'those callers arrive spread over this many ms' },
  { flags: '--group-lifetime-ms <ms>', attr: 'groupLifetimeMs', fields: ['groupLifetimeMs'], kind: 'number', help: 'a group lives uniform [0, this] ms before its deletion' },
  { flags: '--disk <kind>', attr: 'disk', fields: ['disk'], kind: 'string', help: 'store backend: fs (real files, shared by threads) | memfs (needs --workers 1)' },
  { flags: '--disk-latency-ms <min[,max]>', attr: 'diskLatencyMs', fields: ['diskLatencyMinMs', 'diskLatencyMaxMs'], kind: 'range', help: 'injected latency per disk operation, uniform in [min, max] ms' },
  { flags: '--disk-eio-rate <share>', attr: 'diskEioRate', fields: ['diskEioRate'], kind: 'number', help: 'share of disk operations failing with EIO, in [0, 1]' },
  { flags: '--cpu-busy-share <share>', attr: 'cpuBusyShare', fields: ['cpuBusyShare'], kind: 'number', help: 'share of each tick every worker busy-spins, in [0, 0.9]' },
  { flags: '--entries-per-second <n>', attr: 'entriesPerSecond', fields: ['entriesPerSecondPerGroup'], kind: 'number', help: 'Raft entries proposed per NATS second to each group leader' },
  { flags: '--time-scale-ms <ms>', attr: 'timeScaleMs', fields: ['timeScaleMs'], kind: 'number', help: 'real ms per NATS second (10: a 4-9 s election timeout takes 40-90 ms)' },
  { flags: '--observe-nats-seconds <s>', attr: 'observeNatsSeconds', fields: ['observeNatsSeconds'], kind: 'number', help: 'after the last delete, watch orphans this long, in NATS seconds' },
  { flags: '--nats-version <v>', attr: 'natsVersion', fields: ['natsVersion'], kind: 'string', help: 'nats-server version modelled around the strategy: default (the one that shipped it) | 2.9.10 | 2.10.18 | 2.10.23 | 2.10.28 | 2.14.0' },
  { flags: '--workload <kind>', attr: 'workload', fields: ['workload'], kind: 'string', help: "creation callers: synthetic (k first-time creators) | restart (meta apply, then a stopped node re-created by k restart callers)" },
  { flags: '--wait-timeout-ms <ms>', attr: 'waitTimeoutMs', fields: ['waitTimeoutMs'], kind: 'number', help: 'deadlock guard: a creator fails the run (harness failure) when the lock it waits on does not change hands, or the reservation it waits on is not released, for this long' },
];

/** The long flag (`--callers`) that sets a config field, or the field itself if no flag does. */
export function flagOf(field: string): string {
  const f = CONFIG_FLAGS.find((c) => (c.fields as readonly string[]).includes(field));
  return f ? f.flags.split(' ')[0]! : field;
}

function show(f: ConfigFlag, cfg: Partial<ScenarioConfig>): string | undefined {
  const vals = f.fields.map((k) => cfg[k]);
  if (vals.some((v) => v === undefined)) return undefined;
  return vals.map(String).join(',');
}

/** `--help` text of one flag: meaning, unit, default, and what the heavy preset sets it to. */
export function helpOf(f: ConfigFlag): string {
  const dflt = f.defaultText ?? show(f, defaultConfig());
  const heavy = show(f, PRESETS.heavy);
  return `${f.help} (default: ${dflt ?? 'none'}${heavy !== undefined && heavy !== dflt ? `; --preset heavy: ${heavy}` : ''})`;
}
