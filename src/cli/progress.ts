import cliProgress from 'cli-progress';
import type { RunProgress } from '../scenario/run.js';

/** Shows a run's progress on stderr; `note` prints a line without tearing a bar. */
export interface ProgressView {
  update(p: RunProgress): void;
  note(line: string): void;
  stop(): void;
}

export interface ProgressOptions {
  readonly stream: NodeJS.WriteStream;
  readonly enabled: boolean;
  /** Plain mode: at most one churn line per this many ms (the first and the last always show). */
  readonly plainEveryMs?: number;
}

/** A cli-progress bar on a terminal, plain `churn 40/200 groups` lines otherwise, nothing if disabled. */
export function createProgress(opts: ProgressOptions): ProgressView {
  if (!opts.enabled) return { update: () => undefined, note: (l) => void opts.stream.write(`${l}\n`), stop: () => undefined };
  return opts.stream.isTTY ? barView(opts.stream) : plainView(opts.stream, opts.plainEveryMs ?? 1000);
}

function plainView(stream: NodeJS.WritableStream, everyMs: number): ProgressView {
  let lastPhase = '';
  let lastAt = 0;
  let lastDone = -1;
  return {
    update(p) {
      const now = performance.now();
      const phaseChanged = p.phase !== lastPhase;
      const due = p.phase === 'churn' && p.groupsDone !== lastDone && (lastDone <= 0 || p.groupsDone === p.groups || now - lastAt >= everyMs);
      if (!phaseChanged && !due) return;
      lastPhase = p.phase;
      lastAt = now;
      lastDone = p.groupsDone;
      stream.write(`${p.phase} ${p.groupsDone}/${p.groups} groups\n`);
    },
    note: (line) => void stream.write(`${line}\n`),
    stop: () => undefined,
  };
}

function barView(stream: NodeJS.WriteStream): ProgressView {
  const bar = new cliProgress.SingleBar(
    { stream, format: '{phase} [{bar}] {value}/{total} groups | {duration_formatted}', hideCursor: true, barsize: 30 },
    cliProgress.Presets.legacy,
  );
  let started = false;
  let stopped = false;
  return {
    update(p) {
      if (stopped) return;
      if (!started) {
        bar.start(p.groups, p.groupsDone, { phase: p.phase.padEnd(8) });
        started = true;
        return;
      }
      bar.update(p.groupsDone, { phase: p.phase.padEnd(8) });
      if (p.phase === 'done') {
        bar.stop();
        stopped = true;
      }
    },
    note(line) {
      if (started && !stopped) stream.write('\n');
      stream.write(`${line}\n`);
    },
    stop() {
      if (started && !stopped) bar.stop();
      stopped = true;
    },
  };
}
