import { nodeIdOf, replicasOf } from '../host/address.js';
import { Prng } from '../env/prng.js';
import type { RaftTiming } from '../raft/config.js';
import { RaftInvariantError } from '../raft/errors.js';
import { RaftNode } from '../raft/node.js';
import { encodeTermVote } from '../raft/term-vote-codec.js';
import type { RaftMessage, TermVote } from '../raft/types.js';
import type { Disk } from '../storage/disk.js';

/** NATS's timing (election 4–9 s, heartbeat 1 s, campaign 0.1–0.8 s) in ticks of 1 s, so a few dozen ticks see elections. */
export const SIM_TIMING: RaftTiming = Object.freeze({
  electionTimeoutMinTicks: 4,
  electionTimeoutMaxTicks: 9,
  heartbeatTicks: 1,
  campaignMinTicks: 1,
  campaignMaxTicks: 2,
  lostQuorumTicks: 10,
});

/** Deliveries per tick before the rest waits for the next tick (bounds a storm between duplicates). */
const ROUNDS_MAX = 8;

export interface RaftInstance {
  readonly label: string;
  readonly server: number;
  readonly group: number;
  readonly raft: RaftNode;
  readonly tavPath: string;
  /** Built after its group's delete began: a new incarnation that restarts from term 0 (see checkLeaders). */
  readonly afterDelete: boolean;
  live: boolean;
}

/**
 * Raft nodes of the simulation, on simulated time: a tick step ticks every live node (in label
 * order), persists its term/vote to tav.idx (before sending, Raft's rule) and delivers its messages
 * to every live instance of the addressed (server, group) — duplicates included, as two NATS nodes
 * subscribed to the same subjects would. Safety oracle: two different instances leading one group
 * in one term, or a Raft invariant broken inside a node.
 */
export class RaftClock {
  readonly nodes: RaftInstance[] = [];
  ticks = 0;
  safetyViolations: string[] = [];
  tavFailures = 0;
  private readonly leaders = new Map<string, string>();
  /** Groups in which an instance was built after the delete began (a resurrection). */
  readonly resurrected = new Set<number>();

  constructor(
    private readonly servers: number,
    private readonly replicas: number,
    /** Written to directly: a tick is one scheduling step. */
    private readonly disk: Disk,
  ) {}

  start(label: string, server: number, group: number, tavPath: string, restored: TermVote | undefined, afterDelete: boolean): RaftInstance {
    const peers = replicasOf(group, this.servers, this.replicas);
    const raft = new RaftNode({ id: nodeIdOf(server), peers: peers.map(nodeIdOf), timing: SIM_TIMING, prng: new Prng(1).fork(label), ...(restored ? { restored } : {}) });
    if (peers[0] === server && raft.term === 0) raft.campaignSoon();
    if (afterDelete) this.resurrected.add(group);
    const n: RaftInstance = { label, server, group, raft, tavPath, afterDelete, live: true };
    this.nodes.push(n);
    this.nodes.sort((a, b) => (a.label < b.label ? -1 : a.label > b.label ? 1 : 0));
    return n;
  }

  async tick(): Promise<void> {
    this.ticks++;
    let inbox: [RaftInstance, RaftMessage][] = [];
    for (const n of this.nodes) if (n.live) this.guard(n, () => n.raft.tick());
    for (let round = 0; round < ROUNDS_MAX; round++) {
      for (const n of this.nodes) if (n.live && n.raft.hasReady()) inbox.push(...(await this.drain(n)));
      if (inbox.length === 0) break;
      const batch = inbox;
      inbox = [];
      for (const [from, m] of batch) {
        for (const to of this.nodes) {
          if (to.live && to.group === from.group && to !== from && nodeIdOf(to.server) === m.to) this.guard(to, () => to.raft.step(m));
        }
      }
    }
    this.checkLeaders();
  }

  private async drain(n: RaftInstance): Promise<[RaftInstance, RaftMessage][]> {
    const rd = n.raft.ready();
    n.raft.advance();
    for (const tv of rd.termVoteWrites) {
      try {
        await this.disk.writeFile(n.tavPath, encodeTermVote(tv));
      } catch {
        this.tavFailures++; // #5824: an orphan's tav.idx in a removed dir fails with ENOENT
      }
    }
    return rd.messages.map((m) => [n, m]);
  }

  private guard(n: RaftInstance, f: () => void): void {
    try {
      f();
    } catch (e) {
      if (!(e instanceof RaftInvariantError)) throw e;
      if (!this.resurrected.has(n.group)) this.safetyViolations.push(`${n.label}: ${e.message}`);
      n.live = false;
    }
  }

  /**
   * Election safety among the group's first incarnation. An instance built after its group's
   * delete began lost tav.idx with the store dir and restarts at term 0 — vote amnesia that can
   * elect a second leader in a term. That is the resurrection (a create overtaken by the delete,
   * which NATS prevents by re-checking the assignment), not the creation strategy's fault, so such
   * groups are left out from the first resurrection on (their votes reach the first incarnation's
   * nodes too) and reported as resurrections instead.
   */
  private checkLeaders(): void {
    for (const n of this.nodes) {
      if (!n.live || this.resurrected.has(n.group) || n.raft.role !== 'leader') continue;
      const key = `g${n.group}/t${n.raft.term}`;
      const other = this.leaders.get(key);
      if (other === undefined) this.leaders.set(key, n.label);
      else if (other !== n.label) this.safetyViolations.push(`two leaders of g${n.group} in term ${n.raft.term}: ${other}, ${n.label}`);
    }
  }
}
