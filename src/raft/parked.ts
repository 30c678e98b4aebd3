/**
 * A parked Raft node: one in steady state (a follower of a known leader, or a leader whose every
 * voter holds its whole log, nothing pending for `ready()`) whose timer counters and random stream
 * live in a caller-owned record of a `Float64Array` instead of its object, so a host that runs
 * 100k nodes answers heartbeats by touching that dense record only (issue #10: at 100k nodes a
 * tick's cost was the cache and TLB misses of each node's scattered objects, doubled when a memfs
 * store shared the heap).
 *
 * The functions here are the exact counterparts of what `RaftNode` does in the same situations
 * (test/raft/parked.test.ts runs both on the same inputs and compares state and messages): each
 * either handles its case completely or returns "not handled" having changed nothing, and then the
 * caller unparks the node (`RaftNode.unpark`) and steps the object as usual.
 *
 * Invariants while parked (`r[b + P_STATE] !== 0`): term, role, leader, log and commit index are
 * frozen (anything that would change them is "not handled"), so the record's copies of them and
 * the object's agree; the record alone holds the node's tick counters and (a follower's) stream;
 * a parked leader's every other voter has match = lastIndex and next = lastIndex + 1.
 */
import { intBetweenAt } from '../env/prng.js';
import type { RaftTiming } from './config.js';
import { popcount31, quorumSize } from './progress.js';

/** 0: not parked (the object is the truth); PARKED_FOLLOWER or PARKED_LEADER. */
export const P_STATE = 0;
export const P_TERM = 1;
export const P_LAST_INDEX = 2;
export const P_LAST_TERM = 3;
export const P_COMMIT = 4;
/** RaftNode.nowTicks. */
export const P_NOW = 5;
// Follower.
export const P_ELECTION_ELAPSED = 6;
export const P_ELECTION_TIMEOUT = 7;
/** Four words of the node's sfc32 stream (Sfc32.saveWords). */
export const P_STREAM = 8;
/** The leader's position in `peers`. */
export const P_LEADER = 12;
// Leader (same slots as the follower's: a node is one or the other).
export const P_HEARTBEAT_ELAPSED = 6;
export const P_QUORUM_CHECK_ELAPSED = 7;
export const P_HEARD_MASK = 8;
export const P_SELF = 9;
export const P_VOTERS = 10;
/** Per voter, the tick of its last answer (RaftNode.lastHeardTicks), P_LAST_HEARD + i. */
export const P_LAST_HEARD = 11;
/** Most voters a parked leader has (its last-heard ticks must fit the record). */
export const PARKED_VOTERS_MAX = 3;
/** Doubles of the record Raft uses from its base (P_LAST_HEARD's voters end it); a host may keep its own fields after them. */
export const PARKED_FIELDS = P_LAST_HEARD + PARKED_VOTERS_MAX;

export const NOT_PARKED = 0;
export const PARKED_FOLLOWER = 1;
export const PARKED_LEADER = 2;

/**
 * `k` ticks that fire no timer (RaftNode.skipTicks). False, changing nothing, if one would fire (or
 * the node is not parked).
 */
export function parkedSkip(r: Float64Array, b: number, k: number, t: RaftTiming): boolean {
  const state = r[b + P_STATE];
  if (k <= 0) return state !== NOT_PARKED;
  if (state === PARKED_FOLLOWER) {
    if (k >= r[b + P_ELECTION_TIMEOUT]! - r[b + P_ELECTION_ELAPSED]!) return false;
    r[b + P_ELECTION_ELAPSED] = r[b + P_ELECTION_ELAPSED]! + k;
  } else if (state === PARKED_LEADER) {
    if (k >= t.lostQuorumTicks - r[b + P_QUORUM_CHECK_ELAPSED]! || k >= t.heartbeatTicks - r[b + P_HEARTBEAT_ELAPSED]!) return false;
    r[b + P_QUORUM_CHECK_ELAPSED] = r[b + P_QUORUM_CHECK_ELAPSED]! + k;
    r[b + P_HEARTBEAT_ELAPSED] = r[b + P_HEARTBEAT_ELAPSED]! + k;
  } else {
    return false;
  }
  r[b + P_NOW] = r[b + P_NOW]! + k;
  return true;
}

/** RaftNode.ticksToNextTimer of a parked node (nothing is pending for ready() while parked). */
export function parkedTicksToNextTimer(r: Float64Array, b: number, t: RaftTiming): number {
  if (r[b + P_STATE] === PARKED_LEADER) {
    return Math.min(t.lostQuorumTicks - r[b + P_QUORUM_CHECK_ELAPSED]!, t.heartbeatTicks - r[b + P_HEARTBEAT_ELAPSED]!);
  }
  return r[b + P_ELECTION_TIMEOUT]! - r[b + P_ELECTION_ELAPSED]!;
}

/**
 * A parked follower receives an append without entries from voter `from` in `term` (RaftNode.step
 * → onAppend). Handled only when it is the follower's leader in its term, the append matches the
 * log's tail and moves no commit index: then the election timer restarts with a fresh draw and the
 * answer is a success at `prevIndex` (returned; the caller sends it, in `term`). Else -1, nothing
 * changed.
 */
export function parkedHeartbeat(r: Float64Array, b: number, term: number, from: number, prevIndex: number, prevTerm: number, leaderCommit: number, t: RaftTiming): number {
  if (r[b + P_STATE] !== PARKED_FOLLOWER || r[b + P_TERM] !== term || r[b + P_LEADER] !== from) return -1;
  if (r[b + P_LAST_INDEX] !== prevIndex || r[b + P_LAST_TERM] !== prevTerm || Math.min(leaderCommit, prevIndex) > r[b + P_COMMIT]!) return -1;
  r[b + P_ELECTION_ELAPSED] = 0;
  r[b + P_ELECTION_TIMEOUT] = intBetweenAt(r, b + P_STREAM, t.electionTimeoutMinTicks, t.electionTimeoutMaxTicks);
  return prevIndex;
}

/**
 * A parked leader receives an append answer from voter `from` in `term` (RaftNode.step →
 * onAppendResponse). Handled when it is a success that moves no progress (every voter already
 * matches the whole log): the voter counts as heard now. Else false, nothing changed.
 */
export function parkedAnswer(r: Float64Array, b: number, term: number, from: number, success: boolean, matchIndex: number): boolean {
  if (r[b + P_STATE] !== PARKED_LEADER || r[b + P_TERM] !== term || !success || matchIndex > r[b + P_LAST_INDEX]!) return false;
  if (from < 0 || from >= r[b + P_VOTERS]! || from === r[b + P_SELF]) return false;
  r[b + P_HEARD_MASK] = r[b + P_HEARD_MASK]! | (1 << from);
  r[b + P_LAST_HEARD + from] = r[b + P_NOW]!;
  return true;
}

/** parkedLeaderTick: the tick fired the heartbeat; the caller sends it to every voter but P_SELF. */
export const TICK_HEARTBEAT = 1;
/** parkedLeaderTick: the tick only counted (or passed a lost-quorum check that found a quorum). */
export const TICK_QUIET = 0;

/**
 * One tick of a parked leader (RaftNode.tick). Handled unless its lost-quorum check would step it
 * down; then -1, nothing changed. On TICK_HEARTBEAT the caller sends each other voter an append of
 * term P_TERM with prevIndex P_LAST_INDEX, prevTerm P_LAST_TERM, leaderCommit P_COMMIT and no
 * entries (what broadcastAppend sends to a voter at next = lastIndex + 1), in voter order.
 */
export function parkedLeaderTick(r: Float64Array, b: number, t: RaftTiming): number {
  if (r[b + P_STATE] !== PARKED_LEADER) return -1;
  const check = r[b + P_QUORUM_CHECK_ELAPSED]! + 1 >= t.lostQuorumTicks;
  if (check && popcount31(r[b + P_HEARD_MASK]! | (1 << r[b + P_SELF]!)) < quorumSize(r[b + P_VOTERS]!)) return -1;
  r[b + P_NOW] = r[b + P_NOW]! + 1;
  if (check) {
    r[b + P_QUORUM_CHECK_ELAPSED] = 0;
    r[b + P_HEARD_MASK] = 0;
  } else {
    r[b + P_QUORUM_CHECK_ELAPSED] = r[b + P_QUORUM_CHECK_ELAPSED]! + 1;
  }
  const hb = r[b + P_HEARTBEAT_ELAPSED]! + 1;
  if (hb >= t.heartbeatTicks) {
    r[b + P_HEARTBEAT_ELAPSED] = 0;
    return TICK_HEARTBEAT;
  }
  r[b + P_HEARTBEAT_ELAPSED] = hb;
  return TICK_QUIET;
}
