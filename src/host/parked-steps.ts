import type { RaftTiming } from '../raft/config.js';
import { KIND_APPEND, KIND_APPEND_RESPONSE } from '../raft/message-sink.js';
import { NOT_PARKED, PARKED_FOLLOWER, PARKED_LEADER, P_COMMIT, P_LAST_INDEX, P_LAST_TERM, P_LEADER, P_SELF, P_TERM, P_VOTERS, TICK_HEARTBEAT, parkedAnswer, parkedHeartbeat, parkedLeaderTick, parkedSkip, parkedTicksToNextTimer } from '../raft/parked.js';
import { EMPTY } from '../raft/log.js';
import { sendTo, type CoreCounters, type HostCoreDeps } from './host-core-parts.js';
import type { HostedNode } from './hosted-node.js';
import type { HostedSet } from './hosted-set.js';
import { H_ASKER, H_DUE, H_INSTANCE, H_KEY, H_PEER_SERVER, H_SYNCED, H_TICK_PENDING, RECORD } from './park-table.js';
import type { ReadyRouter } from './ready-router.js';
import type { TickTurns } from './tick-turns.js';
import { NONE } from './timer-wheel.js';
import type { WireBatchWriter } from './wire-batch.js';

/**
 * HostCore's parked counterparts of a node's tick and step (src/raft/parked.ts): a steady node's
 * due tick or delivered heartbeat handled from its dense record (park-table.ts) without touching
 * its objects, and the parking itself. Each either handles its case completely or returns false
 * having changed nothing; then the core unparks the node and runs the object path.
 */
export class ParkedSteps {
  constructor(
    private readonly set: HostedSet,
    /** The one timing every hosted node shares (HostCoreDeps.timing). */
    private readonly timing: RaftTiming,
    private readonly deps: HostCoreDeps,
    private readonly counters: CoreCounters,
    /** Its `inbox` takes this worker's local messages (read at each send: the core swaps it). */
    private readonly router: ReadyRouter,
    private readonly outboxes: readonly WireBatchWriter[],
    private readonly turns: TickTurns,
  ) {}

  /**
   * The due tick of a parked node (tickOne's counterpart). A parked leader's heartbeat goes out
   * from its record as the object's broadcast would send it. A parked follower is only ever listed
   * early (see deliver): it skips through `now` and is listed again. False when it is not parked or
   * its tick is not one a parked node handles (then tickOne runs, on the object).
   */
  tick(slot: number, now: number): boolean {
    const t = this.timing;
    const f = this.set.table.f;
    const b = slot * RECORD;
    if (f[b] === PARKED_FOLLOWER) {
      if (!parkedSkip(f, b, now - f[b + H_SYNCED]!, t)) return false; // its election timer fires now
      f[b + H_SYNCED] = now;
      this.counters.earlyWakes++;
      this.set.wheel.schedule(slot, now + parkedTicksToNextTimer(f, b, t));
      return true;
    }
    if (f[b] !== PARKED_LEADER) return false;
    if (!parkedSkip(f, b, now - 1 - f[b + H_SYNCED]!, t)) return false;
    f[b + H_SYNCED] = now - 1;
    const fired = parkedLeaderTick(f, b, t);
    if (fired < 0) return false;
    f[b + H_SYNCED] = now;
    this.counters.nodesTicked++;
    this.counters.parkedSteps++;
    if (fired === TICK_HEARTBEAT) {
      const key = f[b + H_KEY]!;
      const servers = this.deps.servers;
      const g = Math.floor(key / servers);
      const self = f[b + P_SELF]!;
      const voters = f[b + P_VOTERS]!;
      for (let i = 0; i < voters; i++) {
        if (i === self) continue;
        sendTo(KIND_APPEND, g, f[b + H_PEER_SERVER + i]!, f[b + H_INSTANCE]!, 0, key - g * servers, f[b + P_TERM]!, f[b + P_LAST_INDEX]!, f[b + P_LAST_TERM]!, f[b + P_COMMIT]!, EMPTY, this.deps, this.counters, this.router.inbox, this.outboxes);
      }
    }
    this.set.wheel.schedule(slot, now + parkedTicksToNextTimer(f, b, t));
    return true;
  }

  /**
   * A record delivered to a parked node (stepOne's counterpart): a heartbeat to a follower,
   * answered from its record, or a heartbeat's answer to a leader. False when the addressee is not
   * one lone parked instance or the message is not one a parked node handles (then stepOne runs,
   * on the object; ticks skipped here stay applied).
   */
  deliver(x: Float64Array, o: number): boolean {
    const t = this.timing;
    if (x[o + 10]! >= 0) return false;
    const servers = this.deps.servers;
    const g = x[o + 1]!;
    const s = x[o + 2]!;
    const table = this.set.table;
    const slot = table.at(g * servers + s);
    if (slot < 0) return false;
    const f = table.f;
    const b = slot * RECORD;
    const state = f[b]!;
    if (state === NOT_PARKED) return false;
    const kind = x[o]!;
    const fromServer = x[o + 5]!;
    let from = -1;
    if (kind === KIND_APPEND && state === PARKED_FOLLOWER && x[o + 4] === 0) {
      from = f[b + P_LEADER]!;
      if (f[b + H_PEER_SERVER + from] !== fromServer) return false;
    } else if (kind === KIND_APPEND_RESPONSE && state === PARKED_LEADER && (x[o + 4] === 0 || x[o + 4] === f[b + H_INSTANCE])) {
      const voters = f[b + P_VOTERS]!;
      for (let i = 0; i < voters; i++) if (f[b + H_PEER_SERVER + i] === fromServer) from = i;
      if (from < 0) return false;
    } else {
      return false;
    }
    const turns = this.turns;
    const pending = f[b + H_TICK_PENDING] === turns.now;
    const target = turns.stepTick(slot);
    const k = target - f[b + H_SYNCED]!;
    if (!parkedSkip(f, b, k, t)) return false;
    if (k > 0) f[b + H_SYNCED] = target;
    const term = x[o + 6]!;
    if (kind === KIND_APPEND) {
      const match = parkedHeartbeat(f, b, term, from, x[o + 7]!, x[o + 8]!, x[o + 9]!, t);
      if (match < 0) return false;
      f[b + H_ASKER] = x[o + 3]!;
      sendTo(KIND_APPEND_RESPONSE, g, fromServer, f[b + H_INSTANCE]!, x[o + 3]!, s, term, 1, match, 0, EMPTY, this.deps, this.counters, this.router.inbox, this.outboxes);
    } else if (!parkedAnswer(f, b, term, from, x[o + 7] === 1, x[o + 8]!)) {
      return false;
    }
    this.counters.messagesDelivered++;
    this.counters.parkedSteps++;
    if (pending) return true; // its turn in this tick's loop reschedules it
    const due = target + parkedTicksToNextTimer(f, b, t);
    // A heartbeat moves a follower's election timer later, nearly always: its wheel entry stays
    // where it is and wakes it early, once per timeout rather than once per heartbeat (a wheel move
    // was a third of a 1M-node tick: issue #10). Invariant: a node is never listed later than due.
    const listed = f[b + H_DUE]!;
    if (listed === NONE || listed > due) turns.scheduleStepped(slot, due);
    return true;
  }

  /** Parks `n` if it is in steady state and nothing of the host's holds it on the object path. */
  tryPark(n: HostedNode): void {
    const t = this.timing;
    if (n.slot < 0 || n.stray !== null || n.persisting !== 0 || n.writeError !== null || n.broken) return;
    if (this.deps.entriesPerTick > 0 && n.raft.role === 'leader') return; // its proposals need the object
    const table = this.set.table;
    if (table.at(n.key) !== n.slot) return; // duplicates take the object path
    const b = n.slot * RECORD;
    if (!n.raft.park(table.f, b, t)) return;
    if (table.f[b] === PARKED_FOLLOWER) table.f[b + H_ASKER] = n.askerOf(table.f[b + P_LEADER]!);
  }
}
