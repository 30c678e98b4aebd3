import type { HostedSet } from './hosted-set.js';
import { H_TICK_PENDING, RECORD } from './park-table.js';

/**
 * Where a due tick's loop stands, for whatever is stepped while it runs (HostCore's due ticks
 * behave as the every-node loop: nodes take their turns in slot order, and a message delivered
 * between two turns finds every node as that loop would have it).
 *
 * Invariants: between ticks `pos` is +Infinity and every started node is current up to `now` or
 * due after it; during tick `now`'s loop, the slots in `due` not yet reached are marked pending
 * (H_TICK_PENDING = now) and their turn is still to come.
 */
export class TickTurns {
  /** Ticks completed (during a tick's loop: that tick). */
  now = 0;
  /**
   * While a due tick's loop runs, the slot of the node whose turn it is (the every-node loop has
   * ticked every slot up to it, none after it); +Infinity otherwise (every node is at `now`).
   */
  pos = Number.POSITIVE_INFINITY;
  /** Slots due in the running tick, in slot order (reused between ticks). */
  readonly due: number[] = [];

  constructor(private readonly set: HostedSet) {}

  /**
   * The tick a node at `slot` is current up to when a message reaches it now: in a due tick's
   * loop, one whose slot comes after the current turn has not been ticked yet in the every-node
   * loop (it is stepped first and ticked at its slot's turn), so it is stepped as of the tick
   * before; any other, as of this tick. (A node due later in this tick is such a node: its timer
   * fires at its turn.)
   */
  stepTick(slot: number): number {
    return slot > this.pos ? this.now - 1 : this.now;
  }

  /** The tick whose loop has yet to reach `slot` (H_TICK_PENDING), or 0 (none, or no slot). */
  pendingOf(slot: number): number {
    return slot < 0 ? 0 : this.set.table.f[slot * RECORD + H_TICK_PENDING]!;
  }

  /**
   * Schedules a stepped node (not due in this tick's list) at `due`. A node stepped as of the tick
   * before whose next timer is this very tick (or whose output must go out in it) joins this tick's
   * due list at its slot's place, as the every-node loop would tick it there. Not reached today
   * (every timer a step in a tick's loop resets is at least 2 ticks; the 1-tick transfer campaign
   * is set by appends that arrive between ticks), kept so a change there cannot skip a timer.
   */
  scheduleStepped(slot: number, due: number): void {
    if (due > this.now) {
      this.set.wheel.schedule(slot, due);
      return;
    }
    const list = this.due;
    this.set.wheel.cancel(slot);
    this.set.table.f[slot * RECORD + H_TICK_PENDING] = this.now;
    let j = list.length;
    while (j > 0 && list[j - 1]! > slot) j--;
    list.splice(j, 0, slot);
  }
}
