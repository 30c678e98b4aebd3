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
