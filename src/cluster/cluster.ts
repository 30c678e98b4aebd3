import type { StrategyName } from '../create/strategy.js';
import { replicasOf } from '../host/address.js';
import { RunTables } from '../shm/run-tables.js';
import { HostPool } from './host-pool.js';
import type { CensusEntry, CreatePause, CreateResult, DeleteResult, HostConfig, HostStats } from './protocol.js';

/** One creation request for (server, group), issued from `worker` (a meta apply, a health check, a stream reset…). */
export interface CreateCall {
  readonly server: number;
  readonly group: number;
  readonly worker: number;
  readonly pause?: CreatePause;
}

/** What deleting one group did on each of its replica servers. */
export interface GroupDeleteOutcome {
  readonly results: readonly DeleteResult[];
  /** Replica servers whose assignment referenced no instance (nothing to delete there). */
  readonly unassigned: number;
}

/**
 * S servers on W host workers. The main thread only issues requests and reads shared memory; all
 * creation and deletion runs in the workers through the chosen strategy, as NATS's API would.
 */
export class Cluster {
  private readonly tables: RunTables;
  /** Which worker hosts each instance built so far (from create results; the census checks it). */
  private readonly hostOf = new Map<number, number>();

  private constructor(
    readonly pool: HostPool,
    readonly config: HostConfig,
    readonly strategy: StrategyName,
  ) {
    this.tables = new RunTables(config, pool.buffers.tables);
  }

  static async start(config: HostConfig, strategy: StrategyName): Promise<Cluster> {
    return new Cluster(await HostPool.start(config), config, strategy);
  }

  replicasOf(group: number): number[] {
    return replicasOf(group, this.config.servers, this.config.replicas);
  }

  async create(call: CreateCall): Promise<CreateResult> {
    const r = await this.pool.create(call.worker, {
      op: 'create',
      server: call.server,
      group: call.group,
      strategy: this.strategy,
      ...(call.pause ? { pause: call.pause } : {}),
    });
    if (r.ok && r.built && r.instanceId !== 0) this.hostOf.set(r.instanceId, r.workerId);
    return r;
  }

  /** The instance the assignment of (server, group) references, 0 if none (`rg.node`). */
  assigned(server: number, group: number): number {
    return this.tables.assigned(server, group);
  }

  /**
   * Stops the instance the assignment of (server, group) references without deleting the group
   * (a stream reset after a failed catch-up; see stop-node.ts). False if none is assigned or hosted.
   */
  async stopAssigned(server: number, group: number): Promise<boolean> {
    const id = this.assigned(server, group);
    const worker = this.hostOf.get(id);
    if (id === 0 || worker === undefined) return false;
    return (await this.pool.stop(worker, { op: 'stop', server, group, instanceId: id, strategy: this.strategy })).ok;
  }

  /**
   * NATS's group delete: on every replica server, delete only the instance the assignment
   * references, on the worker hosting it. Duplicates are not looked for: NATS does not look.
   */
  async deleteGroup(group: number): Promise<GroupDeleteOutcome> {
    const deletes: Promise<DeleteResult>[] = [];
    for (const server of this.replicasOf(group)) {
      const id = this.assigned(server, group);
      const worker = this.hostOf.get(id);
      if (id !== 0 && worker !== undefined) deletes.push(this.pool.delete(worker, { op: 'delete', server, group, instanceId: id, strategy: this.strategy }));
    }
    return { results: await Promise.all(deletes), unassigned: this.config.replicas - deletes.length };
  }

  /**
   * Waits until the group's preferred replica (the one that campaigns first, create-raft-group.ts
   * startRun) knows a leader: where 2.9.10 answers a consumer create (its first leader's
   * processConsumerLeaderChange, see VersionProfile.createAnswersFromLeader). False if that
   * replica is not hosted, stopped, or knew no leader within `timeoutMs` (clock ms).
   */
  async awaitFirstLeader(group: number, timeoutMs: number): Promise<boolean> {
    const server = this.replicasOf(group)[0]!;
    const id = this.assigned(server, group);
    const worker = this.hostOf.get(id);
    if (id === 0 || worker === undefined) return false;
    return this.pool.leader(worker, { op: 'leader', instanceId: id, timeoutMs });
  }

  census(): Promise<CensusEntry[]> {
    return this.pool.census();
  }

  stats(): Promise<HostStats[]> {
    return this.pool.stats();
  }

  guard<T>(p: Promise<T>): Promise<T> {
    return this.pool.guard(p);
  }

  /** See HostPool.close: `graceMs` bounds the workers' shutdown (an interrupted run). */
  close(graceMs?: number): Promise<void> {
    return this.pool.close(graceMs);
  }
}

/** A live instance that neither its server's registry nor its assignment references: a leak. */
export function isOrphan(e: CensusEntry): boolean {
  return e.state === 'running' && !e.inRegistry && !e.inAssignment;
}
