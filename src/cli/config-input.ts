import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { freshSeed } from '../env/prng.js';
import { buildConfig, ConfigError, PRESET_NAMES, type PresetName, type ScenarioConfig } from '../scenario/config.js';
import { BadInput, oneLine } from './bad-input.js';
import { CONFIG_FLAGS, flagOf, type ConfigFlag } from './flags.js';

/** What commander hands over for the config flags: raw strings, converted and checked here. */
export type RawFlags = Readonly<Record<string, unknown>>;

export interface ResolvedConfig {
  readonly config: ScenarioConfig;
  /** False when the seed was picked here with freshSeed(). */
  readonly seedGiven: boolean;
}

/**
 * Defaults, then --preset, then the --config file, then flags; validated as a whole. Throws
 * BadInput naming the flag (or, for a value from the file, the config field) that is wrong.
 */
export async function resolveConfig(raw: RawFlags): Promise<ResolvedConfig> {
  const preset = presetOf(raw.preset);
  const file = typeof raw.config === 'string' ? await readConfigFile(raw.config) : {};
  const flags = flagOverrides(raw);
  const merged: Record<string, unknown> = { ...file, ...flags };
  const seedGiven = Object.hasOwn(merged, 'seed');
  if (!seedGiven) merged.seed = freshSeed();
  try {
    return { config: buildConfig(merged, preset), seedGiven };
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    // Name what the user typed: the flag if the value came from one, the file's key otherwise.
    throw BadInput.fromConfigError(e, (field) => (field in flags ? flagOf(field) : field));
  }
}

function presetOf(v: unknown): PresetName | undefined {
  if (v === undefined) return undefined;
  if ((PRESET_NAMES as readonly unknown[]).includes(v)) return v as PresetName;
  throw new BadInput('--preset', `one of ${PRESET_NAMES.join(', ')}`, v);
}

/** A config file holds twenty small fields; anything bigger than this is not one (a 50 MB file took 25 s and 1.6 GB). */
export const CONFIG_BYTES_MAX = 1 << 20;

/**
 * Reads a JSON object of ScenarioConfig fields. Field checks happen later, with the flags merged.
 * Opened non-blocking and checked on the open descriptor (no race with a swap): a FIFO, a device
 * or a directory is refused before anything is read (a FIFO blocked forever), and so is a file
 * over CONFIG_BYTES_MAX.
 */
export async function readConfigFile(path: string): Promise<Record<string, unknown>> {
  let text: string;
  try {
    const fh = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
    try {
      const st = await fh.stat();
      if (!st.isFile()) throw new BadInput('--config', 'a regular JSON file', path, st.isDirectory() ? 'a directory' : st.isFIFO() ? 'a FIFO' : 'a device or socket');
      if (st.size > CONFIG_BYTES_MAX) throw new BadInput('--config', `a JSON file of at most ${CONFIG_BYTES_MAX} bytes`, path, `${st.size} bytes`);
      const buf = Buffer.alloc(CONFIG_BYTES_MAX + 1);
      const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
      if (bytesRead > CONFIG_BYTES_MAX) throw new BadInput('--config', `a JSON file of at most ${CONFIG_BYTES_MAX} bytes`, path, 'grew while read');
      text = buf.subarray(0, bytesRead).toString('utf8');
    } finally {
      await fh.close();
    }
  } catch (e) {
    if (e instanceof BadInput) throw e;
    const code = (e as NodeJS.ErrnoException).code ?? 'error';
    throw new BadInput('--config', 'a readable JSON file', path, code === 'ENOENT' ? 'no such file' : `${code}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new BadInput('--config', 'a file of valid JSON', path, oneLine(e instanceof Error ? e.message : String(e)));
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new BadInput('--config', 'a JSON object of config fields', path, `top level is ${Array.isArray(parsed) ? 'an array' : parsed === null ? 'null' : typeof parsed}`);
  }
  return parsed as Record<string, unknown>;
}

/** The config fields set by flags, converted from their strings. */
function flagOverrides(raw: RawFlags): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of CONFIG_FLAGS) {
    const v = raw[f.attr];
    if (v === undefined) continue;
    const s = typeof v === 'string' ? v : JSON.stringify(v);
    const name = f.flags.split(' ')[0]!;
    switch (f.kind) {
      case 'string':
        out[f.fields[0]!] = s;
        break;
      case 'int':
      case 'number':
        out[f.fields[0]!] = toNumber(s, name, f);
        break;
      case 'range': {
        const parts = s.split(',');
        if (parts.length > 2) throw new BadInput(name, 'min or min,max (numbers)', s);
        const lo = toNumber(parts[0]!, name, f);
        const hi = parts[1] === undefined ? lo : toNumber(parts[1], name, f);
        if (hi < lo) throw new BadInput(name, 'min or min,max with min <= max', s);
        out[f.fields[0]!] = lo;
        out[f.fields[1]!] = hi;
        break;
      }
    }
  }
  return out;
}

function toNumber(s: string, name: string, f: ConfigFlag): number {
  const n = s.trim() === '' ? Number.NaN : Number(s);
  if (!Number.isFinite(n)) throw new BadInput(name, f.kind === 'int' ? 'an integer' : f.kind === 'range' ? 'min or min,max (numbers)' : 'a number', s);
  return n;
}

/** The hidden test hook --inject-crash-after <groups>. */
export function crashAfterOf(v: unknown): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new BadInput('--inject-crash-after', 'a positive integer', v);
  return n;
}
