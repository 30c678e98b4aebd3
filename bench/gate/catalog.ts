/**
 * The gate's benchmark suite: stable names (history and dashboards line up across commits by
 * name), one fresh process per measurement, every value "lower is better". A name never changes
 * meaning; a changed benchmark gets a new name.
 */
export type SuiteName = 'quick' | 'full';

export interface BenchmarkSpec {
  readonly name: string;
  readonly unit: 'ns/op' | 'ms/group' | 'µs/tick' | 'bytes/node';
  readonly suites: readonly SuiteName[];
  readonly description: string;
}

const STRATEGIES = ['racy', 'locked', 'inflight', 'cas'] as const;

export const CATALOG: readonly BenchmarkSpec[] = [
  { name: 'registry.lookup-hit', unit: 'ns/op', suites: ['quick', 'full'], description: 'SharedRegistry lookup of a running name, one thread (CPU ns per op, lowest of 32 trials on fresh tables)' },
  { name: 'registry.reserve-publish-unregister', unit: 'ns/op', suites: ['full'], description: 'a full reserve → publish → unregisterInstance cycle, one thread' },
  { name: 'futex.lock-unlock', unit: 'ns/op', suites: ['full'], description: 'uncontended futex mutex lock + unlock' },
  { name: 'host.tick-due-3k-idle', unit: 'µs/tick', suites: ['full'], description: 'one host tick over 3,000 idle nodes (1,000 R3 groups, one worker, null disk, due-only ticking): median wall µs of 60 ticks' },
  { name: 'host.heap-per-idle-node-3k', unit: 'bytes/node', suites: ['full'], description: 'heap bytes per idle hosted node (3,000 nodes, one worker, null disk), after two full GCs' },
  ...STRATEGIES.map((s): BenchmarkSpec => ({ name: `goc.${s}.1t-create`, unit: 'ns/op', suites: ['quick', 'full'], description: `${s}: the creation path alone — get-or-create of a name nobody holds, then its unregister, one thread (CPU ns per cycle, lowest of 16 trials on fresh server memory); the process also runs 2 threads on shared fresh names, and a name resolved to two instances under an atomic strategy is forbidden` })),
  ...STRATEGIES.map((s): BenchmarkSpec => ({ name: `goc.${s}.2t-shared`, unit: 'ns/op', suites: ['full'], description: `${s}: get-or-create of the same fresh names from 2 threads (CPU ns per call, median of 9 reps; contention makes it swing with park/wake luck, 20–35% A/A noise, so only the full suite judges it); a name resolved to two instances under an atomic strategy is forbidden` })),
  ...STRATEGIES.map((s): BenchmarkSpec => ({ name: `goc.${s}.4t-disjoint`, unit: 'ns/op', suites: ['full'], description: `${s}: create + unregister of per-thread names from 4 threads (creation throughput)` })),
  ...STRATEGIES.map((s): BenchmarkSpec => ({
    name: `churn.${s}`, unit: 'ms/group', suites: ['full'],
    description: `${s}: a small churn scenario (24 R3 groups, 2 workers, fs store) in ms per group cycle; its verdict feeds the forbidden check`,
  })),
];

/**
 * Test hook: with RAFTRACE_TEST_HOOKS=1 the suite also runs a churn scenario of the hidden
 * `broken-cas` strategy (added by the test suite, absent otherwise), so an end-to-end test can check
 * that a forbidden outcome fails the gate with exit 3 whatever the timings.
 */
function testHookBenchmarks(): BenchmarkSpec[] {
  if (process.env.RAFTRACE_TEST_HOOKS !== '1') return [];
  return [{ name: 'churn.broken-cas', unit: 'ms/group', suites: ['quick', 'full'], description: 'test hook: the broken-cas strategy in a small churn scenario (must be forbidden)' }];
}

export function suiteOf(suite: SuiteName): BenchmarkSpec[] {
  return [...CATALOG, ...testHookBenchmarks()].filter((b) => b.suites.includes(suite));
}
