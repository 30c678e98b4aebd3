/**
 * Test hooks: behaviour that exists only so the test suite can prove a claim fails when it is
 * false (a deliberately broken strategy, …). They are reachable only when the environment sets
 * `RAFTRACE_TEST_HOOKS=1`; without it every hook is rejected as bad input and never listed in
 * `--help`. Worker threads inherit the environment, so main thread and workers agree.
 */
export const TEST_HOOKS_ENV = 'RAFTRACE_TEST_HOOKS';

/** True when the test hooks are enabled for this process. Read on every call (tests set it). */
export function testHooksEnabled(): boolean {
  return process.env[TEST_HOOKS_ENV] === '1';
}
