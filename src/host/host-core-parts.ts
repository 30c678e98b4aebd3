import type { Clock } from '../env/clock.js';
import type { RaftTiming } from '../raft/config.js';
import { RaftInvariantError } from '../raft/errors.js';
import { KIND_APPEND_RESPONSE, KIND_VOTE_RESPONSE } from '../raft/message-sink.js';
import type { Entry, RaftMessage } from '../raft/types.js';
import { nodeIdOf } from './address.js';
import type { HostedNode } from './hosted-node.js';
import type { MessageRecords } from './message-records.js';
import type { WireBatchWriter } from './wire-batch.js';

// The host core's contracts and the two per-node steps that need no core state (split out of
// host-core.ts, which keeps ticking, routing and delivery).

/** Which workers host live instances of an address (the shared hosting directory, read only). */
export interface DirectoryView {
  liveOn(server: number, group: number, worker: number): number;
}

export interface HostCoreDeps {
  readonly workerId: number;
  readonly servers: number;
  readonly workers: number;
  /** Entries proposed per tick to every group whose leader this worker hosts (fractions accumulate). */
  readonly entriesPerTick: number;
  readonly directory: DirectoryView;
  /** Outgoing-message budget; a message without a token is shed (counted). */
  readonly budget: { take(): boolean };
  /** Only for tick timing statistics; nothing the core decides depends on it. */
  readonly clock: Clock;
  /**
   * 'due' (default): a tick touches only the nodes whose timer (or proposal) is due, from a timer
   * wheel. 'every': the former loop over every started node, kept so benches and tests can compare
   * the two on the same code (same seed, same trace).
   */
  readonly tickMode?: 'due' | 'every';
  /** Every hosted node's Raft timing (one object, shared): needed to park nodes (below). */
  readonly timing?: RaftTiming;
  /**
   * In 'due' mode with `timing` given (default true): a node in steady state is parked (see
   * src/raft/parked.ts, park-table.ts), so heartbeats and their answers touch only its dense
   * record. Same trace either way (test/host/parked-host.test.ts); false keeps every node on the
   * object path, for comparison.
   */
  readonly park?: boolean;
}

export interface CoreCounters {
  ticks: number;
  /** Node ticks run: due timers fired (and, in 'every' mode, every started node each tick). */
  nodesTicked: number;
  tickMsMax: number;
  tickMsTotal: number;
  messagesSent: number;
  messagesDelivered: number;
  messagesDropped: number;
  messagesShed: number;
  entriesProposed: number;
  entriesCommitted: number;
  raftSafetyViolations: number;
  /** Node ticks and deliveries a parked node took from its record (see HostCoreDeps.park); also counted above. */
  parkedSteps: number;
  /**
   * Turns of listed nodes with nothing due after all, skipped and listed again (not node ticks): a
   * message before the node's turn moved its timer, or a parked follower's heartbeats left its wheel
   * entry where it was (ParkedSteps.deliver).
   */
  earlyWakes: number;
}

export const isReply = (m: RaftMessage): boolean => m.type === 'vote-response' || m.type === 'append-response';


/** A leader's share of the offered load: whole entries proposed per tick, fractions carried over. */
export function proposeLoad(n: HostedNode, entriesPerTick: number, counters: CoreCounters): void {
  n.proposalDebt += entriesPerTick;
  while (n.proposalDebt >= 1) {
    n.proposalDebt -= 1;
    if (!n.raft.propose('x')) break;
    counters.entriesProposed++;
  }
}

/**
 * A Raft invariant broke inside one node. With unique node ids that is a bug; with duplicated
 * instances sharing an id (the race) it is a consequence of the bug. Either way it is counted
 * and reported, never allowed to kill the worker and every other node it hosts.
 */
export function noteSafetyViolation(n: HostedNode, e: unknown, counters: CoreCounters, samples: string[]): void {
  if (!(e instanceof RaftInvariantError)) throw e;
  if (n.broken) return;
  n.broken = true;
  counters.raftSafetyViolations++;
  if (samples.length < 3) samples.push(`instance ${n.instanceId} (S${n.server}, g${n.group}): ${e.message}`);
}

/**
 * Routes one outgoing message (a record at offset `o` of `x`, message-records.ts layout) of node `n`
 * to every worker hosting a live instance of the addressed (server, group): this worker's local
 * records, other workers' outboxes. None hosting it: dropped. A reply goes to the one instance that
 * asked (NATS replies on the asker's inbox), everything else to all twins.
 */
export function route(n: HostedNode, x: Float64Array, o: number, entries: readonly Entry[], deps: HostCoreDeps, counters: CoreCounters, local: MessageRecords, outboxes: readonly WireBatchWriter[]): void {
  const kind = x[o]!;
  const s = x[o + 2]!;
  const t = isReplyKind(kind) ? n.askerOf(n.raft.peers.indexOf(nodeIdOf(s))) : 0;
  sendTo(kind, n.group, s, n.instanceId, t, x[o + 5]!, x[o + 6]!, x[o + 7]!, x[o + 8]!, x[o + 9]!, entries, deps, counters, local, outboxes);
}

/**
 * One message, as record fields, to every worker hosting a live instance of (server `s`, group
 * `g`), if the send budget has a token (else shed): what {@link route} sends for a node's ready, and
 * what a parked node sends from its record (ParkedSteps, no entries).
 */
export function sendTo(kind: number, g: number, s: number, f: number, t: number, fromServer: number, term: number, a: number, b: number, c: number, entries: readonly Entry[], deps: HostCoreDeps, counters: CoreCounters, local: MessageRecords, outboxes: readonly WireBatchWriter[]): void {
  if (!deps.budget.take()) {
    counters.messagesShed++;
    return;
  }
  const { workers, workerId, directory } = deps;
  let sent = false;
  for (let w = 0; w < workers; w++) {
    if (directory.liveOn(s, g, w) <= 0) continue;
    if (w === workerId) local.push(kind, g, s, f, t, fromServer, term, a, b, c, entries);
    else outboxes[w]!.pushFields(kind, g, s, f, t, fromServer, term, a, b, c, entries);
    sent = true;
  }
  if (sent) counters.messagesSent++;
  else counters.messagesDropped++;
}

const isReplyKind = (kind: number): boolean => kind === KIND_VOTE_RESPONSE || kind === KIND_APPEND_RESPONSE;
