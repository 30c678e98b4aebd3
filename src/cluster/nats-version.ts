import type { StrategyName } from '../create/strategy.js';

/**
 * The nats-server versions whose behaviour around `createRaftGroup` raftrace models. The strategy
 * is chosen separately; the version decides everything around it (tav.idx format and writer,
 * which failures are logged, what Delete() and a Closed node do). Facts: shared/reference/nats-race.md
 * and nats-fidelity.md, read at the tags named here.
 */
export const NATS_VERSIONS = ['2.9.10', '2.10.18', '2.10.23', '2.10.28', '2.14.0'] as const;
export type NatsVersion = (typeof NATS_VERSIONS)[number];

export interface VersionProfile {
  readonly version: NatsVersion;
  /** The creation strategy this version shipped (the others run "on its surroundings", labelled so). */
  readonly shipped: StrategyName;
  /**
   * tav.idx writer. 'async-16': 2.9.x, a writer goroutine writes 16 bytes every time, and logs a
   * failure even for a node being deleted. 'inline-skip': 2.10.x, `writeTermVote` writes
   * `8-byte LE term + vote` in place and skips the write when the bytes equal the last written
   * (raft.go:3877–3896 @ v2.10.18). 'atomic-skip': from #5848 (2.11), temp file + rename.
   */
  readonly tavWriter: 'async-16' | 'inline-skip' | 'atomic-skip';
  /**
   * Whether a failed write of a Closed node is logged: 2.9.10's writer goroutine logs it; 2.10.18
   * logs only `err != nil && !n.isClosed()` (raft.go:3890).
   */
  readonly logsClosedWriteFailure: boolean;
  /**
   * #5832 (2.10.23): Delete() and Stop() wait for the node's goroutines (here: its writes in
   * flight) before the directory goes and before it is unregistered (raft.go:1876 @ v2.10.27).
   * Not modelled: what createRaftGroup does with a Closed node still registered meanwhile (#5832
   * waits, #6732 unlocks, waits, retries); see the hand-off note for why no figure depends on it.
   */
  readonly deleteWaitsForNode: boolean;
  /**
   * Whether a deleted group's leader hands leadership over before it goes, in a way that reaches
   * the follower. Every version's consumer delete calls `node.StepDown()` on a leader
   * (consumer.go `stopWithFlags` 4108–4113 @ v2.9.10, 5088–5093 @ v2.10.18, 6522–6527 @ v2.14.0),
   * then `node.Delete()` (4217 @ v2.9.10). At 2.9.10 `StepDown` sends the `EntryLeaderTransfer`
   * append itself, synchronously (raft.go:1284, `sendAppendEntry`), so it is on the wire
   * before Delete: modelled (RaftNode.stepDown). From 2.10.x `StepDown` only pushes the entry onto
   * the node's proposal queue (raft.go:1477 @ v2.10.18) for its run goroutine, which the Delete
   * right after stops, and it also clears and writes the vote (1463–1464): not modelled, so false.
   */
  readonly deleteTransfersLeader: boolean;
  /**
   * Whether a consumer create is answered by the group's first leader. At 2.9.10 the API response
   * is sent from `processConsumerLeaderChange` on the new leader (jetstream_cluster.go 4274–4330,
   * `if !isLeader || hasResponded { return }` then `sendAPIResponse`), so the client's answer,
   * and any delete it then sends, comes after the first election. Modelled for 2.9.10 only (the
   * profile calibrated against a real server); the scenario waits for it (scenario/run.ts).
   */
  readonly createAnswersFromLeader: boolean;
}

const P = (p: VersionProfile): VersionProfile => Object.freeze(p);

export const VERSION_PROFILES: Readonly<Record<NatsVersion, VersionProfile>> = {
  '2.9.10': P({ version: '2.9.10', shipped: 'racy', tavWriter: 'async-16', logsClosedWriteFailure: true, deleteWaitsForNode: false, deleteTransfersLeader: true, createAnswersFromLeader: true }),
  '2.10.18': P({ version: '2.10.18', shipped: 'racy', tavWriter: 'inline-skip', logsClosedWriteFailure: false, deleteWaitsForNode: false, deleteTransfersLeader: false, createAnswersFromLeader: false }),
  '2.10.23': P({ version: '2.10.23', shipped: 'racy', tavWriter: 'inline-skip', logsClosedWriteFailure: false, deleteWaitsForNode: true, deleteTransfersLeader: false, createAnswersFromLeader: false }),
  '2.10.28': P({ version: '2.10.28', shipped: 'locked', tavWriter: 'inline-skip', logsClosedWriteFailure: false, deleteWaitsForNode: true, deleteTransfersLeader: false, createAnswersFromLeader: false }),
  '2.14.0': P({ version: '2.14.0', shipped: 'inflight', tavWriter: 'atomic-skip', logsClosedWriteFailure: false, deleteWaitsForNode: true, deleteTransfersLeader: false, createAnswersFromLeader: false }),
};

/** The version each strategy defaults to: the one that shipped it (cas never shipped: 2.14.0's surroundings). */
export const DEFAULT_VERSION: Readonly<Record<StrategyName, NatsVersion>> = {
  racy: '2.10.18', locked: '2.10.28', inflight: '2.14.0', cas: '2.14.0',
  // The test-only broken strategy races like racy but claims atomicity: it runs in cas's surroundings.
  'broken-cas': '2.14.0',
};

/** "racy on v2.10.18" if that version shipped it, else says it never did. */
export function modelLabel(strategy: StrategyName, version: NatsVersion): string {
  const p = VERSION_PROFILES[version];
  if (p.shipped === strategy) return `${strategy} on v${version} (as shipped)`;
  if (strategy === 'cas') return `cas on v${version}'s surroundings (never shipped by NATS)`;
  return `${strategy} on v${version}'s surroundings (v${version} shipped ${p.shipped})`;
}

export function parseNatsVersion(v: string): NatsVersion {
  if (!(NATS_VERSIONS as readonly string[]).includes(v)) throw new RangeError(`natsVersion must be one of ${NATS_VERSIONS.join(', ')}; got ${JSON.stringify(v)}`);
  return v as NatsVersion;
}
