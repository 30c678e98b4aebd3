import { SharedIntTable } from './shared-int-table.js';

/** Sizes of a run's shared tables (what {@link RunTables} needs to place a cell). */
export interface RunTableShape {
  readonly servers: number;
  readonly workers: number;
  readonly groupsMax: number;
}

/** The two shared tables of a run, as buffers that can be posted to any thread. */
export interface RunTableBuffers {
  readonly assignments: SharedArrayBuffer;
  readonly directory: SharedArrayBuffer;
}

/**
 * The assignment table (`rg.node` per (server, group): an instance id or 0) and the hosting
 * directory (live instances per (group, server, worker)) behind named accessors, so no file outside
 * this one computes a cell index. Every access is one atomic operation on one cell.
 */
export class RunTables {
  private readonly assignments: SharedIntTable;
  private readonly directory: SharedIntTable;

  constructor(
    private readonly shape: RunTableShape,
    buffers?: RunTableBuffers,
  ) {
    this.assignments = new SharedIntTable(shape.servers * shape.groupsMax, buffers?.assignments, 'assignment table');
    this.directory = new SharedIntTable(shape.groupsMax * shape.servers * shape.workers, buffers?.directory, 'hosting directory');
  }

  get buffers(): RunTableBuffers {
    return { assignments: this.assignments.buffer, directory: this.directory.buffer };
  }

  /** The instance the assignment of (server, group) references (`rg.node`), 0 if none. */
  assigned(server: number, group: number): number {
    return this.assignments.get(server * this.shape.groupsMax + group);
  }

  /** `rg.node = n`. */
  assign(server: number, group: number, instanceId: number): void {
    this.assignments.set(server * this.shape.groupsMax + group, instanceId);
  }

  /** Clears the assignment only if it still references `instanceId` (a successor is kept); true if cleared. */
  unassign(server: number, group: number, instanceId: number): boolean {
    return this.assignments.compareAndSet(server * this.shape.groupsMax + group, instanceId, 0);
  }

  /** Live instances of (server, group) hosted by `worker`. */
  liveOn(server: number, group: number, worker: number): number {
    return this.directory.get(this.dirCell(server, group, worker));
  }

  /** Adds `delta` (+1 a node started receiving, -1 it stopped) and returns the new count. */
  addLive(server: number, group: number, worker: number, delta: number): number {
    return this.directory.add(this.dirCell(server, group, worker), delta);
  }

  private dirCell(server: number, group: number, worker: number): number {
    return (group * this.shape.servers + server) * this.shape.workers + worker;
  }
}
