import { cpus } from 'node:os';
import { isAllowedStrategy } from '../create/index.js';
import { STRATEGY_NAMES, type StrategyName } from '../create/strategy.js';
import { GROUPS_LIMIT, SERVERS_LIMIT } from '../host/address.js';
import { WORKERS_LIMIT } from '../cluster/host-pool.js';
import { NATS_VERSIONS, type NatsVersion } from '../cluster/nats-version.js';

/**
 * One churn scenario: #5824's situation — many R-replica groups created and deleted in parallel on
 * a loaded cluster — under one creation strategy. Nothing here is specific to worker_threads, so a
 * real NATS cluster target could take the same config.
 */
export interface ScenarioConfig {
  /** What runs it: 'workers' (the worker_threads model) or 'nats' (a real nats-server cluster, src/target). */
  readonly target: 'workers' | 'nats';
  readonly strategy: StrategyName;
  readonly seed: number;
  readonly servers: number;
  readonly replicas: number;
  readonly workers: number;
  /** Groups created and then deleted over the run. */
  readonly groups: number;
  /** Groups whose create/delete cycle is in flight at once. */
  readonly concurrency: number;
  /** Concurrent creation requests per (server, group): meta apply, health check, stream reset. */
  readonly callersPerCreate: number;
  /** The k callers arrive spread uniformly over this many ms (from the seed). */
  readonly callerSpreadMs: number;
  /** How long a group lives between its creation and its deletion, uniform in [0, this], ms. */
  readonly groupLifetimeMs: number;
  /**
   * 'interleaved': each group is deleted at the end of its own cycle (#5824's churn);
   * 'after': every group is created first, then all are deleted, so creation throughput is timed alone.
   */
  readonly deletePhase: 'interleaved' | 'after';
  readonly disk: 'fs' | 'memfs';
  /** Injected latency per disk operation, uniform in [min, max] ms (0, 0 for none). */
  readonly diskLatencyMinMs: number;
  readonly diskLatencyMaxMs: number;
  /** Share of disk operations failing with EIO. */
  readonly diskEioRate: number;
  /** Share of each tick interval every worker busy-spins (CPU pressure). */
  readonly cpuBusyShare: number;
  /** Raft traffic: entries proposed per NATS second to every group's leader. */
  readonly entriesPerSecondPerGroup: number;
  /** Real ms per NATS second (10: NATS's 4–9 s election timeout takes 40–90 ms). */
  readonly timeScaleMs: number;
  /** After the last delete: how long to watch for orphans ("until the restart"), in NATS seconds. */
  readonly observeNatsSeconds: number;
  /**
   * Deadlock guard: a creator fails the run (harness failure) when the lock it waits on does not change
   * hands, or the reservation it waits on is not released, for this long. Queueing is latency.
   */
  readonly waitTimeoutMs: number;
  /** The nats-server version modelled around the strategy; 'default': the one that shipped it (cas: 2.14.0). */
  readonly natsVersion: NatsVersion | 'default';
  /**
   * 'synthetic': `callersPerCreate` first-time creators per (server, group). 'restart': NATS's real
   * callers — the meta apply creates each replica once, then one replica's node is stopped (stream
   * reset) and `callersPerCreate` restart callers (health check, reset goroutine) re-create it.
   */
  readonly workload: 'synthetic' | 'restart';
}

export const PRESET_NAMES = ['light', 'heavy'] as const;
export type PresetName = (typeof PRESET_NAMES)[number];

/** Load presets: "heavy" widens the check-to-register window the way a busy server does. */
export const PRESETS: Readonly<Record<PresetName, Partial<ScenarioConfig>>> = {
  light: { diskLatencyMinMs: 0, diskLatencyMaxMs: 0.2, cpuBusyShare: 0, entriesPerSecondPerGroup: 0, callersPerCreate: 2, callerSpreadMs: 2 },
  heavy: { diskLatencyMinMs: 1, diskLatencyMaxMs: 4, cpuBusyShare: 0.25, entriesPerSecondPerGroup: 20, callersPerCreate: 3, callerSpreadMs: 2 },
};

export function defaultConfig(): ScenarioConfig {
  return {
    target: 'workers',
    strategy: 'racy',
    seed: 1,
    servers: 3,
    replicas: 3,
    workers: Math.max(2, cpus().length),
    groups: 200,
    concurrency: 32,
    callersPerCreate: 2,
    callerSpreadMs: 2,
    groupLifetimeMs: 20,
    deletePhase: 'interleaved',
    disk: 'fs',
    diskLatencyMinMs: 0,
    diskLatencyMaxMs: 0.2,
    diskEioRate: 0,
    cpuBusyShare: 0,
    entriesPerSecondPerGroup: 0,
    timeScaleMs: 10,
    observeNatsSeconds: 60,
    waitTimeoutMs: 30_000,
    natsVersion: 'default',
    workload: 'synthetic',
  };
}

/**
 * A value from input as a message may show it: bounded and never recursive (JSON.stringify of a
 * deeply nested value overflows the stack; a 50 MB string would be echoed whole).
 */
export function shortValue(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v.length > 80 ? `${v.slice(0, 80)}…` : v);
  if (typeof v === 'number' || typeof v === 'boolean' || v === null) return String(v);
  if (Array.isArray(v)) return `an array of ${v.length} item(s)`;
  if (typeof v === 'object') return `an object of ${Object.keys(v).length} key(s)`;
  return typeof v;
}

/** Bad input: names the field and what is allowed. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(
    readonly field: string,
    readonly allowed: string,
    got: unknown,
  ) {
    super(`${field}: must be ${allowed}; got ${shortValue(got)}`);
  }
}

const FIELDS: Readonly<Record<keyof ScenarioConfig, (v: unknown, c: Record<string, unknown>) => string | null>> = {
  target: (v) => (v === 'workers' || v === 'nats' ? null : 'one of workers, nats'),
  // Test strategies (broken-cas) pass only with RAFTRACE_TEST_HOOKS=1, and are never named here.
  strategy: (v) => (isAllowedStrategy(v) ? null : `one of ${STRATEGY_NAMES.join(', ')}`),
  seed: (v) => int(v, 0, 0xffff_ffff),
  servers: (v) => int(v, 1, SERVERS_LIMIT),
  replicas: (v, c) => int(v, 1, typeof c.servers === 'number' ? c.servers : SERVERS_LIMIT, 'servers'),
  workers: (v) => int(v, 1, WORKERS_LIMIT),
  groups: (v) => int(v, 1, GROUPS_LIMIT),
  concurrency: (v) => int(v, 1, 4096),
  callersPerCreate: (v) => int(v, 1, 64),
  callerSpreadMs: (v) => num(v, 0, 60_000),
  groupLifetimeMs: (v) => num(v, 0, 600_000),
  deletePhase: (v) => (v === 'interleaved' || v === 'after' ? null : 'one of interleaved, after'),
  disk: (v, c) => (v === 'fs' ? null : v === 'memfs' ? (c.workers === 1 ? null : "'fs' when workers > 1 (memfs is per thread; use --workers 1 for memfs)") : "one of fs, memfs"),
  diskLatencyMinMs: (v) => num(v, 0, 10_000),
  diskLatencyMaxMs: (v, c) => num(v, typeof c.diskLatencyMinMs === 'number' ? c.diskLatencyMinMs : 0, 10_000, 'diskLatencyMinMs'),
  diskEioRate: (v) => num(v, 0, 1),
  cpuBusyShare: (v) => num(v, 0, 0.9),
  entriesPerSecondPerGroup: (v) => num(v, 0, 10_000),
  timeScaleMs: (v) => num(v, 0.5, 10_000),
  observeNatsSeconds: (v) => num(v, 0, 86_400),
  waitTimeoutMs: (v) => num(v, 100, 3_600_000),
  natsVersion: (v) => (v === 'default' || (NATS_VERSIONS as readonly unknown[]).includes(v) ? null : `one of default, ${NATS_VERSIONS.join(', ')}`),
  workload: (v) => (v === 'synthetic' || v === 'restart' ? null : 'one of synthetic, restart'),
};

function int(v: unknown, lo: number, hi: number, hiName?: string): string | null {
  return typeof v === 'number' && Number.isInteger(v) && v >= lo && v <= hi ? null : `an integer in [${lo}, ${hiName ? `${hiName} = ${hi}` : hi}]`;
}

function num(v: unknown, lo: number, hi: number, loName?: string): string | null {
  return typeof v === 'number' && Number.isFinite(v) && v >= lo && v <= hi ? null : `a number in [${loName ? `${loName} = ${lo}` : lo}, ${hi}]`;
}

/**
 * Checks every field (unknown keys included) and returns a typed config, or throws ConfigError for
 * the first bad one. Only OWN keys are looked at and looked up (`__proto__`, `constructor`,
 * `toString` are unknown keys, not inherited fields), and the result is a fresh object holding the
 * known fields only, so nothing from the input reaches a prototype or the result beyond them.
 */
export function validateConfig(input: unknown): ScenarioConfig {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw new ConfigError('config', 'an object', input);
  const c = input as Record<string, unknown>;
  for (const key of Object.keys(c)) {
    if (!Object.hasOwn(FIELDS, key)) throw new ConfigError(shortKey(key), `a known field (${Object.keys(FIELDS).join(', ')}), not an unknown one`, c[key]);
  }
  const out: Record<string, unknown> = {};
  for (const [key, check] of Object.entries(FIELDS)) {
    if (!Object.hasOwn(c, key)) throw new ConfigError(key, 'present', undefined);
    const why = check(c[key], c);
    if (why !== null) throw new ConfigError(key, why, c[key]);
    out[key] = c[key];
  }
  return out as unknown as ScenarioConfig;
}

/** An unknown key as a message names it: bounded, control characters escaped. */
function shortKey(key: string): string {
  const cut = key.length > 80 ? `${key.slice(0, 80)}…` : key;
  // eslint-disable-next-line no-control-regex
  return cut.replace(/[\u0000-\u001f\u007f-\u009f]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Defaults, then a preset, then explicit overrides; validated. */
export function buildConfig(overrides: Partial<ScenarioConfig>, preset?: PresetName): ScenarioConfig {
  return validateConfig({ ...defaultConfig(), ...(preset ? PRESETS[preset] : {}), ...overrides });
}
