import type { RegistryTestHooks } from './registry-probe.js';
import * as L from './registry-layout.js';
import { waitAsync, waitSync } from './wait.js';

/** Waits by one attachment on reservations: parks, and waits that ran to their timeout. */
export interface WaitStats {
  parked: number;
  timedOut: number;
}

/** What a waiter needs: the table, the STATE word's index, the reserved word, and how to report a stuck reservation. */
export interface ParkOn {
  readonly i32: Int32Array;
  /** Index of the slot's first word (S_STATE and S_WAITERS are relative to it). */
  readonly base: number;
  readonly expected: number;
  readonly timeoutMs: number;
  readonly stats: WaitStats;
  readonly hooks: RegistryTestHooks | undefined;
  stuck(): Error;
}

/**
 * Parks (without blocking the thread) while STATE holds `expected` (I6): registers as a waiter
 * BEFORE re-reading the state (see SharedRegistry.transition for why no wake-up is lost), and
 * re-reads the state after every wake, a timeout included: a publish that lands as the timer fires
 * is a success, not a stuck reservation.
 */
export async function parkWhileReserved(p: ParkOn): Promise<void> {
  const { i32, base: b, expected } = p;
  const deadline = performance.now() + p.timeoutMs;
  Atomics.add(i32, b + L.S_WAITERS, 1);
  try {
    while (Atomics.load(i32, b + L.S_STATE) === expected) {
      const left = deadline - performance.now();
      if (left <= 0) throw p.stuck();
      p.stats.parked++;
      const res = await waitAsync(i32, b + L.S_STATE, expected, left);
      if (res === 'timed-out') p.stats.timedOut++;
      p.hooks?.afterWait?.(res);
    }
  } finally {
    Atomics.sub(i32, b + L.S_WAITERS, 1);
  }
}

/** Blocking form of parkWhileReserved, for threads that run one creator at a time. */
export function parkWhileReservedSync(p: ParkOn): void {
  const { i32, base: b, expected } = p;
  const deadline = performance.now() + p.timeoutMs;
  Atomics.add(i32, b + L.S_WAITERS, 1);
  try {
    while (Atomics.load(i32, b + L.S_STATE) === expected) {
      const left = deadline - performance.now();
      if (left <= 0) throw p.stuck();
      p.stats.parked++;
      const res = waitSync(i32, b + L.S_STATE, expected, left);
      if (res === 'timed-out') p.stats.timedOut++;
      p.hooks?.afterWait?.(res);
    }
  } finally {
    Atomics.sub(i32, b + L.S_WAITERS, 1);
  }
}
