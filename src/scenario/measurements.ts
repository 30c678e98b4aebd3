import { isOrphan } from '../cluster/cluster.js';
import type { CensusEntry, CreateResult, DeleteResult, HostStats } from '../cluster/protocol.js';
import type { ScenarioConfig } from './config.js';
import { EXPECTED_ORPHAN_FAILURES_PER_NATS_SECOND } from './observe.js';
import { RESULT_SCHEMA_ID, type Exercised, type ScenarioResult } from './result.js';
import { latencySummary, NO_FINAL_CENSUS, partialReason, resultHead, throughputOf, type RunClock } from './run-common.js';
import { exercisedMinimum, judge } from './verdict.js';

/** Everything a run observes, folded into a ScenarioResult at the end. */
export class Measurements {
  groupsCycled = 0;
  churnSeconds = 0;
  /** Set with deletePhase 'after': the creation and deletion phases timed alone. */
  createSeconds = 0;
  deleteSeconds = 0;
  orphansAtEnd = 0;
  /** False if the run ended before the final census (a harness failure): orphansAtEnd is then unknown. */
  censusDone = false;
  orphansObserved = 0;
  observedNatsSeconds = 0;
  orphanRate: number | null = null;
  stats: HostStats[] = [];
  private readonly createLatencies: number[] = [];
  private readonly deleteLatencies: number[] = [];
  private createFailures = 0;
  private deleteFailures = 0;
  /** Instances built per (server, group). */
  private readonly builtPer = new Map<string, number>();
  /** Completed and successful creation requests per (server, group): how far the claim was exercised. */
  private readonly requestsPer = new Map<string, { done: number; ok: number }>();
  /** Creators that gave up waiting (RT_WAIT_TIMEOUT): a harness failure, as documented. */
  waitTimeouts = 0;
  private readonly orphansSeen = new Set<number>();
  private readonly failureSamples: string[] = [];

  /** `epoch` separates a restart's re-creation (one legitimate new instance) from the first creation. */
  noteCreate(server: number, group: number, r: CreateResult, epoch = ''): void {
    this.createLatencies.push(r.latencyMs);
    const key = `${server}/${group}${epoch}`;
    const per = this.requestsPer.get(key) ?? { done: 0, ok: 0 };
    per.done++;
    if (r.ok) per.ok++;
    this.requestsPer.set(key, per);
    if (!r.ok) {
      if (r.code === 'RT_WAIT_TIMEOUT') this.waitTimeouts++;
      this.createFailures++;
      if (this.failureSamples.length < 5) this.failureSamples.push(`create: ${r.code} ${r.error}`);
      return;
    }
    if (r.built) {
      this.builtPer.set(key, (this.builtPer.get(key) ?? 0) + 1);
    }
  }

  noteDelete(r: DeleteResult): void {
    this.deleteLatencies.push(r.latencyMs);
    if (!r.ok) {
      this.deleteFailures++;
      if (this.failureSamples.length < 5) this.failureSamples.push(`delete: ${r.error}`);
    }
  }

  noteCensus(c: readonly CensusEntry[]): void {
    for (const e of c) if (isOrphan(e)) this.orphansSeen.add(e.instanceId);
  }

  result(cfg: ScenarioConfig, clock: RunClock, harnessFailure: string | null, partial: boolean): ScenarioResult {
    const sum = (f: (s: HostStats) => number): number => this.stats.reduce((n, s) => n + f(s), 0);
    let built = 0;
    for (const n of this.builtPer.values()) built += n;
    const duplicates = built - this.builtPer.size; // beyond one instance per (server, group)
    const exercised = this.exercised();
    const verdict = judge(cfg, { duplicates, orphansSeen: this.orphansSeen.size, orphansAtEnd: this.orphansAtEnd, safety: sum((s) => s.raftSafetyViolations), exercised });
    if (partial) verdict.reasons.push(partialReason(harnessFailure));
    if (!this.censusDone) verdict.reasons.push(NO_FINAL_CENSUS);
    if (this.stats.length === 0) verdict.reasons.push('no host statistics collected: tav.idx, message, lock and tick counters are unknown (reported as 0)');
    for (const s of this.stats) verdict.reasons.push(...s.safetySamples.map((x) => `raft safety: ${x}`));
    if (this.failureSamples.length > 0) verdict.reasons.push(...this.failureSamples.map((f) => `sample failure: ${f}`));
    return {
      schema: RESULT_SCHEMA_ID,
      target: 'worker_threads',
      server: null,
      ...resultHead(cfg, clock, partial, harnessFailure),
      throughput: throughputOf({
        creates: this.createLatencies.length,
        createFailures: this.createFailures,
        deletes: this.deleteLatencies.length,
        deleteFailures: this.deleteFailures,
        groupsCycled: this.groupsCycled,
        churnSeconds: this.churnSeconds,
        createSeconds: this.createSeconds,
        deleteSeconds: this.deleteSeconds,
      }),
      latencyMs: { create: latencySummary(this.createLatencies), delete: latencySummary(this.deleteLatencies) },
      counts: {
        groupsCycled: this.groupsCycled,
        createRequests: this.createLatencies.length,
        createFailures: this.createFailures,
        instancesBuilt: built,
        duplicates,
        deletes: this.deleteLatencies.length,
        deleteFailures: this.deleteFailures,
        raftSafetyViolations: sum((s) => s.raftSafetyViolations),
        leaderConflicts: sum((s) => s.leaderConflicts),
      },
      leaks: { orphansSeenDuringRun: this.orphansSeen.size, orphansAtEnd: this.orphansAtEnd },
      tav: {
        writes: sum((s) => s.tavWrites),
        enoent: sum((s) => s.tav.enoent),
        other: sum((s) => s.tav.other),
        transient: sum((s) => s.tav.transient),
        persistent: sum((s) => s.tav.persistent),
        orphanFailuresPerNatsSecond: this.orphanRate,
        expectedOrphanFailuresPerNatsSecond: EXPECTED_ORPHAN_FAILURES_PER_NATS_SECOND,
        orphansObserved: this.orphansObserved,
        observedNatsSeconds: this.observedNatsSeconds,
      },
      messages: { sent: sum((s) => s.messagesSent), delivered: sum((s) => s.messagesDelivered), dropped: sum((s) => s.messagesDropped), shed: sum((s) => s.messagesShed) },
      locks: {
        acquisitions: sum((s) => s.locks.reduce((n, l) => n + l.acquisitions, 0)),
        contended: sum((s) => s.locks.reduce((n, l) => n + l.contended, 0)),
        waitMs: sum((s) => s.locks.reduce((n, l) => n + l.waitMs, 0)),
        reservationWaits: sum((s) => s.reservationWaits),
      },
      ticks: { total: sum((s) => s.ticks), late: sum((s) => s.lateTicks), maxMs: Math.max(0, ...this.stats.map((s) => s.tickMsMax)) },
      verdict: { ...verdict, exercised },
    };
  }

  private exercised(): Exercised {
    let pairs = 0;
    let pairsOk = 0;
    for (const p of this.requestsPer.values()) {
      if (p.done >= 2) pairs++;
      if (p.ok >= 2) pairsOk++;
    }
    return { pairs, pairsOk, minimum: exercisedMinimum(pairs) };
  }
}

