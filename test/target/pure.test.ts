import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dirsLeft, excessNodes, settledCensus, type ServerCensus } from '../../src/target/nats/census.js';
import { serverConfigText, type ServerSpec } from '../../src/target/nats/config-text.js';
import { countRaftRunGoroutines } from '../../src/target/nats/monitor.js';
import { planNatsWorkload } from '../../src/target/nats/plan.js';
import { freePorts } from '../../src/target/nats/ports.js';
import { strategyOfVersion } from '../../src/target/nats/version.js';
import { buildConfig } from '../../src/scenario/config.js';

test('a server version maps to the creation path it runs (nats-race.md, the fixes in order)', () => {
  const table: [string, string | null][] = [
    ['2.9.2', 'locked'], ['2.9.3', 'racy'], ['2.9.10', 'racy'], ['2.10.18', 'racy'], ['2.10.27', 'racy'], ['2.10.28', 'locked'],
    ['2.11.0', 'racy'], ['2.11.1', 'racy'], ['2.11.2', 'locked'], ['2.12.8', 'locked'], ['2.12.9', 'inflight'], ['2.14.0', 'inflight'],
    ['v2.9.10', 'racy'], ['2.10.0-beta.1', 'racy'], ['nonsense', null],
  ];
  for (const [v, s] of table) assert.equal(strategyOfVersion(v), s, v);
});

test('generated configs listen on 127.0.0.1 only, on the ports given, and route to every server', () => {
  const specs: ServerSpec[] = [0, 1, 2].map((i) => ({ name: `s${i}`, ports: { client: 1000 + i, cluster: 2000 + i, http: 3000 + i }, storeDir: `/t/s${i}/store`, logFile: `/t/s${i}/server.log` }));
  for (let i = 0; i < 3; i++) {
    const text = serverConfigText(i, specs);
    const hosts = [...text.matchAll(/(?:"|\/\/)([\w.]+):(\d+)/g)].map((m) => m[1]);
    assert.ok(hosts.length >= 6, text);
    assert.deepEqual([...new Set(hosts)], ['127.0.0.1'], text);
    assert.match(text, new RegExp(`listen: "127.0.0.1:${1000 + i}"`));
    assert.match(text, new RegExp(`http: "127.0.0.1:${3000 + i}"`));
    for (let j = 0; j < 3; j++) assert.match(text, new RegExp(`nats-route://127.0.0.1:${2000 + j}`));
    assert.match(text, new RegExp(`store_dir: "/t/s${i}/store"`));
  }
  assert.throws(() => serverConfigText(3, specs), RangeError);
});

test('free ports are distinct and bindable on loopback', async () => {
  const ports = await freePorts(9);
  assert.equal(new Set(ports).size, 9);
  for (const p of ports) assert.ok(p > 0 && p < 65536);
  await assert.rejects(freePorts(0), RangeError);
});

test('Raft nodes are counted as goroutines whose stack has (*raft).run, once each', () => {
  const g = (id: number, frames: string[]): string => [`goroutine ${id} [select]:`, ...frames].join('\n');
  const dump = [
    g(1, ['github.com/nats-io/nats-server/v2/server.(*raft).run(0xc000)', '\t/build/raft.go:1597 +0x1f']),
    g(2, ['github.com/nats-io/nats-server/v2/server.(*raft).runAsFollower(0xc0)', 'github.com/nats-io/nats-server/v2/server.(*raft).run(0xc0)']),
    g(3, ['github.com/nats-io/nats-server/v2/server.(*raft).fileWriter(0xc0)']),
    g(4, ['github.com/nats-io/nats-server/v2/server.(*Server).startGoRoutine']),
    // A leader's catch-up goroutine for a follower is not a node of its own.
    g(5, ['github.com/nats-io/nats-server/v2/server.(*raft).runCatchup(0xc0, 0xc1)', 'created by github.com/nats-io/nats-server/v2/server.(*raft).sendSnapshotToFollower']),
  ].join('\n\n');
  assert.equal(countRaftRunGoroutines(dump), 2);
  assert.equal(countRaftRunGoroutines(''), 0);
});

test('census arithmetic: only nodes beyond the expected count are orphans; dirs are summed', () => {
  const c = (raftNodes: number, expectedNodes: number, dirs: string[] = []): ServerCensus => ({ server: 's', raftNodes, expectedNodes, consumerDirs: dirs });
  assert.equal(excessNodes([c(2, 2), c(4, 2), c(1, 2)]), 2);
  assert.equal(dirsLeft([c(2, 2, ['C-R3F-a']), c(2, 2, ['.C-R3F-b', 'C-R3F-c'])]), 3);
});

test('the nats workload is a function of the seed: k callers per consumer, delays within the spread', () => {
  const cfg = buildConfig({ seed: 7, groups: 50, callersPerCreate: 3, callerSpreadMs: 5, groupLifetimeMs: 20 });
  const a = planNatsWorkload(cfg);
  assert.deepEqual(a, planNatsWorkload(cfg));
  assert.notDeepEqual(a, planNatsWorkload({ ...cfg, seed: 8 }));
  assert.equal(new Set(a.map((p) => p.consumer)).size, 50);
  for (const p of a) {
    assert.equal(p.callerDelaysMs.length, 3);
    for (const d of p.callerDelaysMs) assert.ok(d >= 0 && d < 5);
    assert.ok(p.lifetimeMs >= 0 && p.lifetimeMs < 20);
  }
});

test('the final census waits for followers to finish their deletions, and gives up at its bound', async () => {
  const c = (raftNodes: number, dirs: string[]): ServerCensus[] => [{ server: 's0', raftNodes, expectedNodes: 2, consumerDirs: dirs }];
  // Scripted censuses: two still deleting (an extra node, then a dir being removed), then settled.
  const script = [c(3, ['C-R3F-a']), c(2, ['.C-R3F-a']), c(2, [])];
  let i = 0;
  const r = await settledCensus([], undefined, async () => script[Math.min(i++, script.length - 1)]!, { timeoutMs: 10_000, pollMs: 1 });
  assert.equal(r.settled, true);
  assert.equal(i, 3, 'polled until settled, not once');
  assert.equal(excessNodes(r.census) + dirsLeft(r.census), 0);
  // Never settles: the last census is returned, marked unsettled, after the bound.
  const stuck = await settledCensus([], undefined, async () => c(3, []), { timeoutMs: 20, pollMs: 5 });
  assert.equal(stuck.settled, false);
  assert.equal(excessNodes(stuck.census), 1);
});
