/**
 * Reads nats-server log files for the #5824 symptom and classifies it. Pure: text in, counts out.
 *
 * The lines (raft.go @ v2.9.10): a failed tav.idx write in the node's file writer logs
 *   `[ERR] RAFT [<node> - <group>] Resource not found: open <dir>/tav.idx: no such file or directory`
 * (every failure; a non-ENOENT one logs `Critical write error: …`) and then, rate limited,
 *   `[WRN] RAFT [<node> - <group>] Error writing term and vote file for "<group>": …`.
 * One ERR line is one failed write: that is the unit counted, as the model counts failed writes.
 *
 * Classification, per (server, group):
 * - persistent: the group's failures repeat: PERSISTENT_BURSTS or more bursts. An orphan fails
 *   twice per campaign, one campaign per 4–9 s election timeout, until the server restarts.
 * - transient: fewer bursts, all between the group's deletion (the client's delete request, or
 *   its "Exiting consumer monitor … [<group>]" debug line on that server) and AFTER_DELETE_MS
 *   after it: writes landing just after their own node's directory was removed.
 * - unmatched: neither (e.g. before any deletion of its group); reported apart, never folded in.
 */

/** Failures of one group closer together than this are one burst (one vote/leader change). */
export const BURST_MS = 2_000;
/** A transient failure lands no later than this after its group's deletion. */
export const AFTER_DELETE_MS = 10_000;
/**
 * This many bursts make a group persistent. A lone orphan campaigns every 4–9 s, one burst per
 * campaign, for ever; a node dying slowly under load can fail in two bursts (a term change, then a
 * vote) and then stop, which is still "right after its own deletion".
 */
export const PERSISTENT_BURSTS = 3;
/** Log timestamps have µs; the client's clock and the server's agree to far better than this. */
const CLOCK_SLACK_MS = 50;

export type FailureClass = 'transient' | 'persistent' | 'unmatched';

export interface TavFailureLine {
  readonly server: string;
  readonly group: string;
  readonly atMs: number;
  /** ENOENT (`Resource not found`) or another write error (`Critical write error`). */
  readonly kind: 'enoent' | 'other';
}

export interface GroupVerdict {
  readonly server: string;
  readonly group: string;
  readonly cls: FailureClass;
  readonly failures: number;
  readonly firstAtMs: number;
  readonly lastAtMs: number;
  /** ms from the group's deletion on that server to its first failure (null: no deletion seen). */
  readonly afterDeleteMs: number | null;
}

export interface LogScan {
  readonly failures: readonly TavFailureLine[];
  /** group → ms of its `Exiting consumer monitor` line, per server. */
  readonly deletedAt: ReadonlyMap<string, ReadonlyMap<string, number>>;
  /** Consumer name (`<stream> > <consumer>`) → its Raft group, from `Starting consumer monitor`. */
  readonly groupOf: ReadonlyMap<string, string>;
  /** Lines with the `Error writing term and vote file` warning (rate limited; not the unit counted). */
  readonly warnLines: number;
}

// [pid] 2026/12/01 02:31:47.307149 [ERR] RAFT [abcd1234 - C-R3F-xxxxxxxx] Resource not found: open …/tav.idx: …
const HEAD = /^\[\d+\] (\d{4})\/(\d{2})\/(\d{2}) (\d{2}):(\d{2}):(\d{2})\.(\d{1,6}) \[(\w+)\] (.*)$/;
const FAIL = /^RAFT \[\S+ - (\S+)\] (Resource not found|Critical write error): .*tav\.idx/;
const WARN = /^RAFT \[\S+ - \S+\] Error writing term and vote file/;
const MONITOR = /^(Starting|Exiting) consumer monitor for '[^' >]+ > ([^']*)' \[(\S+)\]$/;

/** Local wall-clock ms of a log timestamp (nats-server logs local time); fields 1–7 of `m` are the date and time. */
export function timeOf(m: RegExpExecArray): number {
  const us = Number(m[7]!.padEnd(6, '0'));
  return new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])).getTime() + us / 1000;
}

/** Scans the logs of all servers (`server name → log text`). */
export function scanLogs(logs: ReadonlyMap<string, string>): LogScan {
  const failures: TavFailureLine[] = [];
  const deletedAt = new Map<string, Map<string, number>>();
  const groupOf = new Map<string, string>();
  let warnLines = 0;
  for (const [server, text] of logs) {
    const deleted = new Map<string, number>();
    deletedAt.set(server, deleted);
    for (const line of text.split('\n')) {
      const h = HEAD.exec(line);
      if (h === null) continue;
      const body = h[9]!;
      const f = FAIL.exec(body);
      if (f !== null) {
        failures.push({ server, group: f[1]!, atMs: timeOf(h), kind: f[2] === 'Resource not found' ? 'enoent' : 'other' });
        continue;
      }
      if (WARN.test(body)) {
        warnLines++;
        continue;
      }
      const mon = MONITOR.exec(body);
      if (mon === null) continue;
      if (mon[1] === 'Starting') groupOf.set(mon[2]!, mon[3]!);
      else deleted.set(mon[3]!, timeOf(h)); // the last exit wins: a re-created group is deleted again later
    }
  }
  return { failures, deletedAt, groupOf, warnLines };
}

/** Failures closer together than BURST_MS form one burst; the number of bursts of a sorted list. */
export function burstsOf(sortedAtMs: readonly number[]): number {
  let n = 0;
  for (let i = 0; i < sortedAtMs.length; i++) if (i === 0 || sortedAtMs[i]! - sortedAtMs[i - 1]! > BURST_MS) n++;
  return n;
}

/**
 * One verdict per (server, group) that logged a tav.idx failure. `requestedAt` (group → wall-clock
 * ms the client asked to delete its consumer) sharpens the deletion time: under load a server logs
 * its "Exiting consumer monitor" line seconds after it removed the directory, so the deletion is
 * taken to span from the earliest marker known to the latest.
 */
export function classify(scan: LogScan, requestedAt?: ReadonlyMap<string, number>): GroupVerdict[] {
  const by = new Map<string, TavFailureLine[]>();
  for (const f of scan.failures) {
    const k = `${f.server}\u0000${f.group}`;
    const list = by.get(k);
    if (list) list.push(f);
    else by.set(k, [f]);
  }
  const out: GroupVerdict[] = [];
  for (const list of by.values()) {
    list.sort((a, b) => a.atMs - b.atMs);
    const first = list[0]!;
    const last = list[list.length - 1]!;
    const markers = [scan.deletedAt.get(first.server)?.get(first.group), requestedAt?.get(first.group)].filter((x): x is number => x !== undefined);
    const delStart = markers.length > 0 ? Math.min(...markers) : null;
    const delEnd = markers.length > 0 ? Math.max(...markers) : null;
    const afterDeleteMs = delStart === null ? null : first.atMs - delStart;
    let cls: FailureClass;
    if (burstsOf(list.map((f) => f.atMs)) >= PERSISTENT_BURSTS) cls = 'persistent';
    else if (delStart !== null && delEnd !== null && first.atMs >= delStart - CLOCK_SLACK_MS && last.atMs <= delEnd + AFTER_DELETE_MS) cls = 'transient';
    else cls = 'unmatched';
    out.push({ server: first.server, group: first.group, cls, failures: list.length, firstAtMs: first.atMs, lastAtMs: last.atMs, afterDeleteMs });
  }
  return out.sort((a, b) => a.firstAtMs - b.firstAtMs);
}

export interface TavTally {
  readonly enoent: number;
  readonly other: number;
  /** Failed writes (ERR lines) by class of their group. */
  readonly transient: number;
  readonly persistent: number;
  readonly unmatched: number;
  /** (server, group) pairs whose failures repeat: orphans. */
  readonly persistentGroups: number;
}

export function tally(scan: LogScan, verdicts: readonly GroupVerdict[]): TavTally {
  const sumOf = (c: FailureClass): number => verdicts.filter((v) => v.cls === c).reduce((n, v) => n + v.failures, 0);
  return {
    enoent: scan.failures.filter((f) => f.kind === 'enoent').length,
    other: scan.failures.filter((f) => f.kind === 'other').length,
    transient: sumOf('transient'),
    persistent: sumOf('persistent'),
    unmatched: sumOf('unmatched'),
    persistentGroups: verdicts.filter((v) => v.cls === 'persistent').length,
  };
}
