import { measureOnce, type Sample } from './process.js';
import { judgeAll, type BenchmarkJudgement, type GateSettings, type Round } from './verdict.js';

export interface Sides {
  readonly base: string;
  readonly head: string;
}

export interface RoundPlan {
  /** Rounds every benchmark gets (even: the A/A drift cancels over pairs of rounds). */
  readonly initialRounds: number;
  /** Upper bound of rounds for a benchmark still inconclusive; extra rounds come two at a time. */
  readonly maxRounds: number;
}

export interface CorrectnessRecord {
  readonly benchmark: string;
  readonly side: 'base' | 'head';
  readonly round: number;
  readonly strategy: string;
  readonly outcome: string;
  readonly duplicates: number;
  readonly orphansAtEnd: number;
  readonly reasons: readonly string[];
}

export interface RoundsResult {
  readonly rounds: Map<string, Round[]>;
  readonly correctness: CorrectnessRecord[];
  readonly judgements: Map<string, BenchmarkJudgement>;
  readonly extendedFor: string[];
  readonly processes: number;
  /** Benchmarks the base could not run at all (its first process failed): new since base, or an API the head's harness uses changed. Never judged. */
  readonly unavailableOnBase: Map<string, string>;
}

export type Progress = (line: string) => void;

/** Takes one measurement of a benchmark on one side (a fresh process in the real gate; synthetic in tests). */
export type Measure = (root: string, name: string, signal: AbortSignal, label: string) => Promise<Sample>;

/**
 * Runs the rounds: every benchmark `initialRounds` times, then two more rounds at a time for the
 * benchmarks whose verdict is still inconclusive, until none is or `maxRounds` is reached. A
 * forbidden outcome stops further rounds (timings no longer matter). Stops early on abort; the
 * rounds done so far are kept (the caller marks the result partial).
 */
export async function runRounds(
  sides: Sides, names: readonly string[], plan: RoundPlan, settings: GateSettings, accepted: ReadonlyMap<string, string>,
  signal: AbortSignal, progress: Progress, measure: Measure = measureOnce,
): Promise<RoundsResult> {
  const rounds = new Map<string, Round[]>(names.map((n) => [n, []]));
  const correctness: CorrectnessRecord[] = [];
  const extended = new Set<string>();
  const unavailableOnBase = new Map<string, string>();
  let processes = 0;
  const note = (name: string, side: 'base' | 'head', round: number, s: Sample): number => {
    processes++;
    if (s.correctness) correctness.push({ benchmark: name, side, round, ...s.correctness });
    return s.value;
  };
  const forbidden = (): boolean => correctness.some((c) => c.outcome === 'forbidden');
  /**
   * A benchmark the base cannot run has no timing verdict, but correctness is never statistical:
   * the head still runs it as often as a judged benchmark (two processes a round) and any
   * forbidden outcome counts. A head failure here is a harness failure like any other.
   */
  const headOnly = async (name: string, round: number): Promise<void> => {
    for (let k = 0; k < 2 && !signal.aborted && !forbidden(); k++) {
      note(name, 'head', round, await measure(sides.head, name, signal, `${name} (head only, round ${round + 1})`));
    }
  };
  const headOnlyRounds = new Map<string, number>();
  const one = async (name: string): Promise<void> => {
    if (unavailableOnBase.has(name)) {
      const done = headOnlyRounds.get(name) ?? 0;
      headOnlyRounds.set(name, done + 1);
      return headOnly(name, done);
    }
    const r = rounds.get(name)!;
    const idx = r.length;
    const order = idx % 2 === 0 ? 'ABBA' : 'BAAB';
    const seq: ('base' | 'head')[] = order === 'ABBA' ? ['base', 'head', 'head', 'base'] : ['head', 'base', 'base', 'head'];
    const got: Record<'base' | 'head', number[]> = { base: [], head: [] };
    for (const side of seq) {
      // A forbidden outcome voids timings: the round is left unfinished rather than measured on.
      if (signal.aborted || forbidden()) return;
      let sample: Sample;
      try {
        sample = await measure(sides[side], name, signal, `${name} (${side}, round ${idx + 1})`);
      } catch (e) {
        // A benchmark the base cannot run even once cannot have regressed: skip it, say so. Any later
        // failure, or one on the head, is a harness failure.
        if (side !== 'base' || idx > 0 || got.base.length > 0 || signal.aborted) throw e;
        unavailableOnBase.set(name, e instanceof Error ? e.message : String(e));
        progress(`${name}: the base cannot run it; not judged, the head's runs still checked for correctness (${e instanceof Error ? e.message : String(e)})`);
        headOnlyRounds.set(name, 1);
        return headOnly(name, 0);
      }
      got[side].push(note(name, side, idx, sample));
    }
    r.push({ order, base: [got.base[0]!, got.base[1]!], head: [got.head[0]!, got.head[1]!] });
  };
  // Round-robin over benchmarks inside each round, so a slow spell of the machine spreads over all.
  const runFor = async (which: readonly string[], count: number): Promise<void> => {
    for (let i = 0; i < count && !signal.aborted && !forbidden(); i++) {
      for (const n of which) {
        if (signal.aborted || forbidden()) return;
        await one(n);
      }
      progress(`round ${Math.max(...which.map((n) => rounds.get(n)!.length))}: ${which.length} benchmark(s), ${processes} processes so far`);
    }
  };
  await runFor(names, plan.initialRounds);
  let judgements = judgeAll(rounds, settings, accepted);
  for (;;) {
    const open = names.filter((n) => !unavailableOnBase.has(n) && judgements.get(n)!.verdict === 'inconclusive' && rounds.get(n)!.length + 2 <= plan.maxRounds);
    if (open.length === 0 || signal.aborted || forbidden()) break;
    for (const n of open) extended.add(n);
    progress(`still inconclusive, 2 more rounds: ${open.join(', ')}`);
    await runFor(open, 2);
    judgements = judgeAll(rounds, settings, accepted);
  }
  return { rounds, correctness, judgements, extendedFor: [...extended], processes, unavailableOnBase };
}
