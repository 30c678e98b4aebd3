// Mutants of the pure Raft core: the corner rules the simulator alone did not reach (issue #13).
// Each is killed by the direct test in test/raft/corner-rules.test.ts; the ones the simulator's
// property checks (test/raft/sim.ts) also see are listed with sim.test.ts (killed by either).
const CORNER = 'test/raft/corner-rules.test.ts';
const SIM = 'test/raft/sim.test.ts';
const XFER = 'test/raft/leader-transfer.test.ts';
const catalog = [
  {
    id: 'raft-transfer-ignored',
    area: 'raft',
    description: 'a follower named in a new leader-transfer entry does not campaign (no xferCampaign)',
    file: 'src/raft/node-replication.ts',
    find: 'this.electionTimeoutTicks = TRANSFER_CAMPAIGN_TICKS;',
    replace: 'void 0;',
    tests: [XFER],
  },
  {
    id: 'raft-transfer-not-only-new',
    area: 'raft',
    description: 'a follower campaigns on a transfer entry it already holds (NATS acts only if isNew)',
    file: 'src/raft/node-replication.ts',
    find: 'isTransferTo(e, this.id) && e.index > this.log.compactedIndex && this.log.term(e.index) !== e.term)',
    replace: 'isTransferTo(e, this.id))',
    tests: [XFER],
  },
  {
    id: 'raft-transfer-any-peer',
    area: 'raft',
    description: 'a stepping-down leader transfers to a peer not heard within three heartbeats',
    file: 'src/raft/leader-transfer.ts',
    find: 'if (i !== self && nowTicks - lastHeardTicks[i] < TRANSFER_RECENT_HEARTBEATS * heartbeatTicks)',
    replace: 'if (i !== self)',
    tests: [XFER],
  },
  {
    id: 'raft-commit-earlier-term-by-count',
    area: 'raft',
    description: 'leader commits an earlier term\'s entry once a majority holds it (§5.4.2, Figure 8)',
    file: 'src/raft/node-replication.ts',
    find: 'if (q > this.commit && this.log.term(q) === this.termNow)',
    replace: 'if (q > this.commit)',
    tests: [CORNER],
  },
  {
    id: 'raft-refused-vote-resets-timer',
    area: 'raft',
    description: 'a refused vote request resets the election timer (a stale candidate delays everyone\'s campaign)',
    file: 'src/raft/node-elections.ts',
    find: '            this.resetElectionTimer();\n        }\n        this.send(KIND_VOTE_RESPONSE',
    replace: '        }\n        this.resetElectionTimer();\n        this.send(KIND_VOTE_RESPONSE',
    tests: [CORNER],
  },
  {
    id: 'raft-stale-message-resets-timer',
    area: 'raft',
    description: 'a message from a stale term (a deposed leader\'s append) resets the election timer',
    file: 'src/raft/node.ts',
    find: '            // Stale sender: answer its requests so it learns our term; drop stale responses.\n',
    replace: '            this.resetElectionTimer();\n',
    tests: [CORNER],
  },
  {
    id: 'raft-vote-despite-known-leader',
    area: 'raft',
    description: 'a follower that knows this term\'s leader still grants its (unused) vote to a challenger',
    file: 'src/raft/node-elections.ts',
    find: "(this.voteNow === '' && this.leaderNow === '')",
    replace: "(this.voteNow === '')",
    tests: [CORNER],
  },
  {
    id: 'raft-vote-ignores-log',
    area: 'raft',
    description: 'votes are granted without the log up-to-date check',
    file: 'src/raft/node-elections.ts',
    find: 'const granted = canVote && this.log.isUpToDate(m.lastLogIndex, m.lastLogTerm);',
    replace: 'const granted = canVote;',
    tests: [CORNER],
  },
  {
    id: 'raft-uptodate-index-before-term',
    area: 'raft',
    description: 'up-to-date check compares the last index before the last term',
    file: 'src/raft/log.ts',
    find: 'return lastLogTerm > myTerm || (lastLogTerm === myTerm && lastLogIndex >= this.lastIndex);',
    replace: 'return lastLogIndex > this.lastIndex || (lastLogIndex === this.lastIndex && lastLogTerm >= myTerm);',
    tests: [CORNER],
  },
  {
    id: 'raft-higher-term-response-ignored',
    area: 'raft',
    description: 'only requests carry a term that matters: a higher term in a response does not make a leader step down',
    file: 'src/raft/node.ts',
    find: 'if (m.term > this.termNow) {',
    replace: "if (m.term > this.termNow && (m.type === 'vote-request' || m.type === 'append')) {",
    tests: [CORNER],
  },
  {
    id: 'raft-heard-mask-never-cleared',
    area: 'raft',
    description: 'lost-quorum check does not forget who answered: a leader heard from once leads forever',
    file: 'src/raft/node-elections.ts',
    find: '        this.heardMask = 0;\n        if (heard >= quorumSize',
    replace: '        if (heard >= quorumSize',
    tests: [CORNER],
  },
  {
    id: 'raft-lost-quorum-off-by-one',
    area: 'raft',
    description: 'lost-quorum check counts one voter short of a quorum as enough (an isolated leader of 3 keeps leading)',
    file: 'src/raft/node-elections.ts',
    find: 'if (heard >= quorumSize(this.peers.length))',
    replace: 'if (heard >= quorumSize(this.peers.length) - 1)',
    tests: [CORNER, 'test/raft/check-quorum.test.ts', 'test/storage/leader-orphan.test.ts'],
  },
  {
    id: 'raft-candidate-keeps-campaigning',
    area: 'raft',
    description: 'a candidate that receives an append of its own term does not become follower',
    file: 'src/raft/node-replication.ts',
    find: "        if (this.roleNow === 'candidate')\n            this.becomeFollower(this.termNow, m.from);\n",
    replace: '        /* mutant: a candidate stays candidate */\n',
    tests: [CORNER],
  },
  {
    id: 'raft-follower-commits-unproven-tail',
    area: 'raft',
    description: 'a follower commits up to leaderCommit over entries the append did not prove to match',
    file: 'src/raft/replication.ts',
    find: 'Math.min(m.leaderCommit, match)',
    replace: 'Math.min(m.leaderCommit, log.lastIndex)',
    tests: [CORNER],
  },
  {
    id: 'raft-append-does-not-reset-timer',
    area: 'raft',
    description: 'an append from the current leader does not reset the follower\'s election timer (endless elections)',
    file: 'src/raft/node-replication.ts',
    find: '        this.leaderNow = m.from;\n        this.resetElectionTimer();\n',
    replace: '        this.leaderNow = m.from;\n',
    tests: [CORNER],
  },
  {
    id: 'raft-quorum-index-largest',
    area: 'raft',
    description: 'quorum index takes the largest match instead of the majority\'s (commit on the leader alone)',
    file: 'src/raft/progress.ts',
    find: 'return sorted[quorumSize(matches.length) - 1];',
    replace: 'return sorted[0];',
    tests: ['test/raft/log.test.ts', CORNER],
  },
  {
    id: 'raft-sink-message-not-reported',
    area: 'raft',
    description: 'a message written into a caller-owned sink does not make hasReady() true (it would leave only with a later ready, or never)',
    file: 'src/raft/node-output.ts',
    find: 'this.sunk++;',
    replace: '/* mutant: not counted */',
    tests: ['test/raft/message-sink.test.ts'],
  },
  // The same bugs again, against the simulator alone: these keep test/raft/sim.ts's property checks
  // (§5.4.2, election-timer resets, lost-quorum step-down) from being weakened unnoticed.
  ...['raft-commit-earlier-term-by-count', 'raft-refused-vote-resets-timer', 'raft-lost-quorum-off-by-one'].map((id) => ({ id, sim: true })),
  {
    id: 'raft-log-last-stale-after-truncate',
    area: 'raft',
    description: "a follower's log keeps its cached last index/term after a conflict truncates it",
    file: 'src/raft/log.ts',
    find: `            this.entries = null;
        this.syncLast();
    }
    appendFollower`,
    replace: `            this.entries = null;
    }
    appendFollower`,
    tests: ['test/raft/log.test.ts'],
  },
  {
    id: 'prng-signed-shift',
    area: 'raft',
    description: "the PRNG's signed state words shifted arithmetically (>> instead of >>>): a different stream for half the states",
    file: 'src/env/prng.ts',
    find: 'this.a = this.b ^ (this.b >>> 9);',
    replace: 'this.a = this.b ^ (this.b >> 9);',
    tests: ['test/env/prng.test.ts'],
  },
];

/** Entries marked `sim` copy the named mutant with the simulator as its only test. */
export default catalog.map((m) => {
  if (!m.sim) return m;
  const base = catalog.find((x) => x.id === m.id && !x.sim);
  return { ...base, id: `sim-sees-${m.id.replace(/^raft-/, '')}`, description: `${base.description} — caught by the simulator alone`, tests: [SIM] };
});
