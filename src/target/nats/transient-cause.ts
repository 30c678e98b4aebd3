import { timeOf, type GroupVerdict } from './log-scan.js';

/**
 * What preceded each transient tav.idx failure of a real 2.9.10 cluster, read from the servers'
 * debug logs. Pure: log text and verdicts in, counts out.
 *
 * Why: in 2.9.10 a deleted consumer's leader steps down first (consumer.go `stopWithFlags`,
 * lines 4108–4113 @ v2.9.10: `if dflag && o.isLeader() … node.StepDown()`). `StepDown`
 * (raft.go:1234–1291) sends an `EntryLeaderTransfer` to an up-to-date follower, which on receipt
 * logs "Starting transfer campaign" and campaigns 10 ms later (raft.go:1318–1325, 2958–2963):
 * term++ and a vote — two `writeTermVote` calls — on replicas that are being deleted on their own
 * servers at the same moment. The async file writer (raft.go:3335–3373) may then write after the
 * directory is gone. A transient failure with its group's transfer campaign logged shortly
 * before it is one of those; one without is something else (a vote or term change of another
 * kind). The model's 2.9.10 profile transfers leadership on delete too (delete-node.ts), so this tells
 * how much of the real rate comes from the path both sides share.
 */

// [pid] 2026/12/01 02:31:47.307149 [DBG] RAFT [abcd1234 - C-R3F-xxxxxxxx] Starting transfer campaign
const HEAD = /^\[\d+\] (\d{4})\/(\d{2})\/(\d{2}) (\d{2}):(\d{2}):(\d{2})\.(\d{1,6}) \[\w+\] RAFT \[\S+ - (\S+)\] (Starting transfer campaign|Being asked to stepdown)$/;

/** A transfer campaign this long (or less) before a failure of its group is taken as its cause. */
export const CAUSE_WINDOW_MS = 2_000;

export interface TransientCauses {
  /** "Starting transfer campaign" lines over all servers (one per leader transfer received). */
  readonly transferCampaigns: number;
  /** "Being asked to stepdown" lines (one per StepDown of a leader). */
  readonly stepdowns: number;
  /** Transient (server, group)s, and those whose group logged a transfer campaign ≤ CAUSE_WINDOW_MS before the first failure. */
  readonly transientGroups: number;
  readonly afterTransferCampaign: number;
}

/** Counts leader transfers in the logs (`server → text`) and how many transient groups followed one. */
export function transientCauses(logs: ReadonlyMap<string, string>, verdicts: readonly GroupVerdict[]): TransientCauses {
  const campaignsOf = new Map<string, number[]>();
  let transferCampaigns = 0;
  let stepdowns = 0;
  for (const text of logs.values()) {
    for (const line of text.split('\n')) {
      const m = HEAD.exec(line);
      if (m === null) continue;
      if (m[9] === 'Being asked to stepdown') {
        stepdowns++;
        continue;
      }
      transferCampaigns++;
      const list = campaignsOf.get(m[8]!) ?? [];
      list.push(timeOf(m));
      campaignsOf.set(m[8]!, list);
    }
  }
  const transient = verdicts.filter((v) => v.cls === 'transient');
  const afterTransferCampaign = transient.filter((v) => (campaignsOf.get(v.group) ?? []).some((t) => t <= v.firstAtMs && v.firstAtMs - t <= CAUSE_WINDOW_MS)).length;
  return { transferCampaigns, stepdowns, transientGroups: transient.length, afterTransferCampaign };
}
