// Mutants of the creation strategies. Format (every catalog): { id, area, description, file (the
// .ts source; the runner patches its compiled .js), find (exactly once in the compiled file),
// replace, tests (the .ts test files that must fail), env?, timeoutMs? }.
export default [
  {
    id: 'cas-cancel-skipped-on-failed-build',
    area: 'create',
    description: 'cas: a creator whose build fails keeps its reservation (waiters never retry)',
    file: 'src/create/cas.ts',
    find: 'server.registry.cancelReservation(req.group, r.instanceId);',
    replace: '/* mutant: reservation kept */',
    tests: ['test/create/forced-interleavings.test.ts'],
    timeoutMs: 60_000,
  },
  // --- the forbidden chain's test hook (issue #13, tests helper) ---
  {
    id: 'broken-cas-reachable-without-hooks',
    area: 'create',
    description: 'the test-only broken-cas is accepted without RAFTRACE_TEST_HOOKS=1 (a public way to fake a forbidden run)',
    file: 'src/create/index.ts',
    find: '(testHooksEnabled() && TEST_STRATEGY_NAMES.includes(name))',
    replace: 'TEST_STRATEGY_NAMES.includes(name)',
    tests: ['test/create/broken-cas.test.ts'],
  },
  {
    id: 'test-hooks-any-value',
    area: 'create',
    description: 'any value of RAFTRACE_TEST_HOOKS (even "0") enables the test hooks',
    file: 'src/env/test-hooks.ts',
    find: "return process.env[TEST_HOOKS_ENV] === '1';",
    replace: 'return process.env[TEST_HOOKS_ENV] !== undefined;',
    tests: ['test/create/broken-cas.test.ts'],
  },
  {
    id: 'broken-cas-judged-non-atomic',
    area: 'create',
    description: 'broken-cas is not judged as a strategy that claims atomicity: its duplicates are a mere leak',
    file: 'src/create/index.ts',
    find: "return ATOMIC_STRATEGIES.includes(name) || name === 'broken-cas';",
    replace: 'return ATOMIC_STRATEGIES.includes(name);',
    tests: ['test/create/broken-cas.test.ts', 'test/scenario/verdict.test.ts'],
  },
  {
    id: 'forced-gate-racy-family-parks',
    area: 'create',
    description: 'the forced interleaving waits for broken-cas callers to park (racy-like callers never park: the race is not forced)',
    file: 'src/create/pause.ts',
    find: "if (strategy === 'racy' || strategy === 'broken-cas')",
    replace: "if (strategy === 'racy')",
    tests: ['test/create/broken-cas.test.ts'],
    timeoutMs: 60_000,
  },
  {
    id: 'inflight-marker-dropped-before-register',
    area: 'create',
    description: 'inflight removes its in-flight marker before the build and registration (waiters wake into the window)',
    file: 'src/create/inflight.ts',
    find: '                await req.build(instanceId);\n                overwrote = server.registry.register(req.group, instanceId);',
    replace: '                server.inflight.cancelReservation(req.group, marker);\n                await req.build(instanceId);\n                overwrote = server.registry.register(req.group, instanceId);',
    tests: ['test/create/forced-interleavings.test.ts'],
    timeoutMs: 90_000,
  },
  {
    id: 'cas-loser-trusts-the-reservation',
    area: 'create',
    description: 'cas: a loser that waited on a reservation returns its id without looking again (the winner may have cancelled)',
    file: 'src/create/cas.ts',
    find: `await server.registry.awaitReservation(r, server.waitTimeoutMs);
                continue;`,
    replace: `await server.registry.awaitReservation(r, server.waitTimeoutMs);
                req.assign(r.instanceId);
                return found(r.instanceId, waits + 1);`,
    tests: ['test/create/forced-interleavings.test.ts'],
    timeoutMs: 60_000,
  },
];
