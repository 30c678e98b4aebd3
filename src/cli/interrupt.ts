/** What the first and the second Ctrl-C do. */
export interface InterruptHandlers {
  /** First SIGINT: ask the run to stop (it still returns and reports a partial result). */
  readonly first: () => void;
  /** Second SIGINT: give up waiting; must end the process. */
  readonly second: () => never;
}

/**
 * Installs the SIGINT and SIGTERM handler for a run and returns its AbortSignal. The handler stays for the
 * rest of the process, so a Ctrl-C while the result is being written still means "exit now",
 * never Node's default (which would skip the cleanup that `second` does).
 */
export function onInterrupt(h: InterruptHandlers): { readonly signal: AbortSignal; readonly interrupted: () => boolean } {
  const controller = new AbortController();
  let count = 0;
  const onSignal = (): void => {
    count++;
    if (count === 1) {
      controller.abort();
      h.first();
    } else {
      h.second();
    }
  };
  // SIGTERM (a CI runner cancelling the job) is handled like Ctrl-C: stop, clean up, report.
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return { signal: controller.signal, interrupted: () => count > 0 };
}
