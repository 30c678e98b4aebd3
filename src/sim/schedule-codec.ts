import { STRATEGY_NAMES, type StrategyName } from '../create/strategy.js';
import { threadCount, validateSimConfig, type SimConfig } from './config.js';

/**
 * A printed schedule carries its world, so `--replay` needs nothing else:
 * `<strategy>:s<servers>r<replicas>g<groups>c<callers>[d][p][t<raft ticks>]:<thread ids separated by dots>`
 * (d: with delete, p: find pauses; a pause's choice is one more thread id in the list),
 * e.g. `racy:s1r1g1c2d:0.1.1.0`. Replay runs the listed threads in order (skipping one that cannot
 * run at that point) and then always the lowest-numbered thread that can.
 */
export function encodeSchedule(cfg: SimConfig, threads: readonly number[]): string {
  return `${cfg.strategy}:s${cfg.servers}r${cfg.replicas}g${cfg.groups}c${cfg.callers}${cfg.withDelete ? 'd' : ''}${cfg.findPauses === true ? 'p' : ''}${cfg.raftTicks > 0 ? `t${cfg.raftTicks}` : ''}:${threads.join('.')}`;
}

export class ScheduleSyntaxError extends Error {}

export function decodeSchedule(text: string): { cfg: SimConfig; threads: number[] } {
  const m = /^([a-z]+):s(\d+)r(\d+)g(\d+)c(\d+)(d?)(p?)(?:t(\d+))?:((?:\d+(?:\.\d+)*)?)$/.exec(text.trim());
  if (!m) throw new ScheduleSyntaxError('a schedule printed by raftrace explore, like racy:s1r1g1c2d:0.1.1.0');
  const strategy = m[1]!;
  if (!(STRATEGY_NAMES as readonly string[]).includes(strategy)) throw new ScheduleSyntaxError(`a schedule whose strategy is one of ${STRATEGY_NAMES.join(', ')}`);
  const cfg = validateSimConfig({
    strategy: strategy as StrategyName,
    servers: Number(m[2]),
    replicas: Number(m[3]),
    groups: Number(m[4]),
    callers: Number(m[5]),
    withDelete: m[6] === 'd',
    raftTicks: m[8] === undefined ? 0 : Number(m[8]),
    ...(m[7] === 'p' ? { findPauses: true } : {}),
  });
  const threads = m[9] === '' ? [] : m[9]!.split('.').map(Number);
  const n = threadCount(cfg);
  const bad = threads.find((t) => t >= n);
  if (bad !== undefined) throw new ScheduleSyntaxError(`a schedule whose thread ids are below ${n} (this world has ${n} threads); got ${bad}`);
  return { cfg, threads };
}
