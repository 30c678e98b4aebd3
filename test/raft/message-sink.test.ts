/**
 * The caller-owned outbox (RaftNode.useSink, issue #10) changes how messages leave a node, not
 * which: a seeded 3-voter cluster with loss, elections and proposals gives the same trace, ready for
 * ready, whether its nodes hand out message objects or write records into a sink, and whether the
 * messages they receive are fresh objects or one reused object per type (the host's flyweights).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Prng } from '../../src/env/prng.js';
import { NATS_TIMING } from '../../src/raft/config.js';
import { messageOf, type MessageKind, type MessageSink } from '../../src/raft/message-sink.js';
import { RaftNode } from '../../src/raft/node.js';
import type { Entry, NodeId, RaftMessage } from '../../src/raft/types.js';

const IDS: readonly NodeId[] = Object.freeze(['S00node_', 'S01node_', 'S02node_']);

class ListSink implements MessageSink {
  readonly out: RaftMessage[] = [];
  put(from: NodeId, kind: MessageKind, to: NodeId, term: number, a: number, b: number, c: number, entries: readonly Entry[]): void {
    this.out.push(messageOf(from, kind, to, term, a, b, c, entries));
  }
}

function trace(seed: number, viaSink: boolean, fastReady = false): string[] {
  const nodes = IDS.map((id, i) => new RaftNode({ id, peers: IDS, timing: NATS_TIMING, prng: new Prng(seed * 7 + i) }));
  const sinks = nodes.map(() => new ListSink());
  if (viaSink) nodes.forEach((n, i) => n.useSink(sinks[i]!));
  const net = new Prng(seed);
  const reused = new Map<string, Record<string, unknown>>();
  const lines: string[] = [];
  let inFlight: RaftMessage[] = [];
  for (let t = 0; t < 2000; t++) {
    const now = inFlight;
    inFlight = [];
    for (const m of now) {
      const to = nodes[IDS.indexOf(m.to)]!;
      if (!viaSink) {
        to.step(m);
        continue;
      }
      const r = reused.get(m.type) ?? {};
      reused.set(m.type, r);
      to.step(Object.assign(r, m));
    }
    nodes.forEach((n, i) => {
      n.tick();
      if (n.role === 'leader' && t % 7 === 0) n.propose(`e${t}`);
      if (!n.hasReady()) return;
      if (fastReady && n.takeSunkOnly()) {
        // The host's common ready: the same line a ready() with only sunk messages gives.
        const msgs = sinks[i]!.out.splice(0);
        assert.ok(msgs.length > 0, 'takeSunkOnly is true only when messages were sunk');
        assert.ok(!n.hasReady(), 'nothing is left pending');
        lines.push(`${t} ${n.id} [] ${JSON.stringify(msgs)} 0`);
        for (const m of msgs) if (net.nextFloat() >= 0.1) inFlight.push(m);
        return;
      }
      const rd = n.ready();
      const msgs = viaSink ? sinks[i]!.out.splice(0) : [...rd.messages];
      n.advance();
      lines.push(`${t} ${n.id} ${JSON.stringify(rd.termVoteWrites)} ${JSON.stringify(msgs)} ${rd.committed.length}`);
      // 10% loss; the rest arrives next tick.
      for (const m of msgs) if (net.nextFloat() >= 0.1) inFlight.push(m);
    });
  }
  return lines;
}

test('a sink gives the same messages, ready for ready, as message objects (and flyweight deliveries change nothing)', () => {
  for (const seed of [1, 2, 3]) {
    const plain = trace(seed, false);
    const sunk = trace(seed, true);
    assert.ok(plain.length > 500, `seed ${seed}: a trace worth comparing (${plain.length} readies)`);
    for (const kind of ['vote-request', 'vote-response', '"append"', 'append-response']) {
      assert.ok(plain.some((l) => l.includes(kind)), `seed ${seed}: the trace has ${kind}`);
    }
    assert.deepEqual(sunk, plain, `seed ${seed}`);
    assert.deepEqual(trace(seed, true, true), plain, `seed ${seed}: takeSunkOnly where it applies, ready() elsewhere`);
  }
});
