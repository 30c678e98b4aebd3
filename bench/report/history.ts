import { execFileSync } from 'node:child_process';
import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';

/** One line of reports/history.jsonl: a bench run's headline figures, so runs line up over commits. */
export interface HistoryLine {
  readonly schema: 'raftrace.bench.history/1';
  readonly commit: string;
  readonly dirty: boolean;
  readonly date: string;
  readonly mode: string;
  readonly machine: { readonly cores: number; readonly cpuModel: string; readonly node: string };
  readonly forbidden: boolean;
  readonly partial: boolean;
  /** Median creates/s over every matrix cell and repeat, per strategy (absent when the matrix was skipped). */
  readonly createsPerSec: Readonly<Record<string, number>>;
  /** Duplicates racy produced over the matrix (the bug, shown). */
  readonly racyDuplicates: number | null;
  readonly wallSeconds: number;
}

function gitFacts(): { commit: string; dirty: boolean } {
  try {
    const commit = execFileSync('git', ['rev-parse', 'HEAD'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim() !== '';
    return { commit, dirty };
  } catch {
    return { commit: 'unknown', dirty: false };
  }
}

interface BenchJson {
  mode: string;
  partial: boolean;
  forbidden: boolean;
  startedAt: string;
  wallSeconds: number;
  machine: { cores: number; cpuModel: string; node: string };
  matrix?: { summaries: { strategy: string; createsPerSec: { median: number }; duplicates: number }[] };
}

export function historyLineOf(r: BenchJson): HistoryLine {
  const byStrategy = new Map<string, number[]>();
  for (const s of r.matrix?.summaries ?? []) byStrategy.set(s.strategy, [...(byStrategy.get(s.strategy) ?? []), s.createsPerSec.median]);
  const med = (xs: number[]): number => {
    const s = [...xs].sort((a, b) => a - b);
    return s.length % 2 === 1 ? s[s.length >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
  };
  const racy = r.matrix?.summaries.filter((s) => s.strategy === 'racy') ?? [];
  return {
    schema: 'raftrace.bench.history/1', ...gitFacts(), date: r.startedAt, mode: r.mode,
    machine: { cores: r.machine.cores, cpuModel: r.machine.cpuModel, node: r.machine.node },
    forbidden: r.forbidden, partial: r.partial,
    createsPerSec: Object.fromEntries([...byStrategy].map(([k, v]) => [k, med(v)])),
    racyDuplicates: r.matrix ? racy.reduce((a, s) => a + s.duplicates, 0) : null,
    wallSeconds: r.wallSeconds,
  };
}

/** Appends one line (append is atomic enough for one short line: one write call). */
export async function appendHistory(path: string, line: HistoryLine): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await appendFile(path, `${JSON.stringify(line)}\n`);
}

/** Every readable line; a corrupt line is skipped (history is for drawing, never for a verdict). */
export async function readHistory(path: string): Promise<HistoryLine[]> {
  const text = await readFile(path, 'utf8').catch(() => '');
  return text.split('\n').flatMap((l) => {
    try {
      const x = JSON.parse(l) as HistoryLine;
      return x.schema === 'raftrace.bench.history/1' ? [x] : [];
    } catch {
      return [];
    }
  });
}
