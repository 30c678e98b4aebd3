import { execFile, execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { cp, mkdtemp, readFile, rename, rm, symlink, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { git } from './git.js';

const exec = promisify(execFile);

/** A side of the comparison, checked out and built. `cleanup` removes what was made for it. */
export interface PreparedSide {
  readonly root: string;
  readonly commit: string | null;
  readonly nodeModules: 'own' | 'reused (identical lock file)' | 'installed (npm ci)';
  readonly build: 'built' | 'cached' | 'reused (working tree is this commit)';
  readonly cleanup: () => Promise<void>;
}

async function exists(p: string): Promise<boolean> {
  try {
    await stat(p);
    return true;
  } catch {
    return false;
  }
}

async function npm(cwd: string, args: readonly string[]): Promise<void> {
  await exec(process.platform === 'win32' ? 'npm.cmd' : 'npm', [...args], { cwd, maxBuffer: 64 << 20 });
}

/** Builds the working tree in place (tsc is incremental, so an up-to-date tree costs little). */
export async function prepareWorkingTree(root: string): Promise<PreparedSide> {
  await npm(root, ['run', 'build', '--silent']);
  return { root, commit: null, nodeModules: 'own', build: 'built', cleanup: async () => undefined };
}

/**
 * True when `root`'s working tree is exactly `commit`: the same tree hash as HEAD and nothing
 * modified or untracked (an untracked .ts file would be compiled into the working tree's dist but
 * is not part of the commit). Ignored files (dist/, node_modules/) do not count.
 */
export async function workingTreeIs(root: string, commit: string): Promise<boolean> {
  const [head, want, status] = await Promise.all([
    git(root, ['rev-parse', 'HEAD^{tree}']).catch(() => null),
    git(root, ['rev-parse', `${commit}^{tree}`]).catch(() => ''),
    git(root, ['status', '--porcelain', '--untracked-files=normal']),
  ]);
  return head !== null && head === want && status === '';
}

/**
 * Checks `commit` out in a git worktree under a temp dir and builds it. node_modules is a symlink
 * to `reuseFrom`'s when both lock files are byte-identical (no install), else `npm ci`. The built
 * dist/ is cached by the commit's tree hash under reuseFrom/node_modules/.cache, so re-running the
 * gate against the same base does not rebuild it; when reuseFrom's working tree is exactly this
 * commit and `reuseFromBuilt` says its dist/ was built by this run, that dist/ is copied instead. `cleanup` removes the worktree and the temp dir;
 * it is safe to call twice and is called by the gate on every exit path, Ctrl-C included.
 */
export async function prepareCommit(repo: string, commit: string, reuseFrom: string, label: string, reuseFromBuilt = false): Promise<PreparedSide> {
  const dir = await mkdtemp(join(tmpdir(), `raftrace-gate-${label}-`));
  const root = join(dir, 'tree');
  let removed = false;
  // A second Ctrl-C (or SIGTERM) exits at once, without the async cleanup: remove the temp tree and
  // prune the worktree synchronously on the way out, so no exit path leaves them behind.
  const onExit = (): void => {
    try {
      rmSync(dir, { recursive: true, force: true });
      execFileSync('git', ['worktree', 'prune'], { cwd: repo, stdio: 'ignore' });
    } catch {
      // exiting: nothing more can be done; the dir's name says what it was
    }
  };
  process.once('exit', onExit);
  const cleanup = async (): Promise<void> => {
    if (removed) return;
    removed = true;
    process.removeListener('exit', onExit);
    await git(repo, ['worktree', 'remove', '--force', root]).catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
    await git(repo, ['worktree', 'prune']).catch(() => undefined);
  };
  try {
    await git(repo, ['worktree', 'add', '--detach', '--force', root, commit]);
    const theirs = await readFile(join(root, 'package-lock.json'), 'utf8').catch(() => null);
    const ours = await readFile(join(reuseFrom, 'package-lock.json'), 'utf8').catch(() => null);
    let nodeModules: PreparedSide['nodeModules'];
    if (theirs !== null && theirs === ours && (await exists(join(reuseFrom, 'node_modules')))) {
      await symlink(join(reuseFrom, 'node_modules'), join(root, 'node_modules'), 'dir');
      nodeModules = 'reused (identical lock file)';
    } else {
      await npm(root, ['ci', '--no-audit', '--no-fund']);
      nodeModules = 'installed (npm ci)';
    }
    const tree = await git(repo, ['rev-parse', `${commit}^{tree}`]);
    const cache = join(reuseFrom, 'node_modules', '.cache', 'raftrace-gate', tree);
    let build: PreparedSide['build'];
    if (reuseFromBuilt && (await workingTreeIs(reuseFrom, commit))) {
      // A/A runs and CI on a clean checkout: reuseFrom's dist was just built from this very tree.
      await cp(join(reuseFrom, 'dist'), join(root, 'dist'), { recursive: true });
      build = 'reused (working tree is this commit)';
    } else if (await exists(join(cache, 'dist'))) {
      await cp(join(cache, 'dist'), join(root, 'dist'), { recursive: true });
      build = 'cached';
    } else {
      await npm(root, ['run', 'build', '--silent']);
      const staging = `${cache}.${process.pid}.tmp`;
      await rm(staging, { recursive: true, force: true });
      await cp(join(root, 'dist'), join(staging, 'dist'), { recursive: true });
      await rename(staging, cache).catch(async () => rm(staging, { recursive: true, force: true }));
      build = 'built';
    }
    return { root, commit, nodeModules, build, cleanup };
  } catch (e) {
    await cleanup();
    throw e;
  }
}

/**
 * The head's benchmark harness (dist/bench/gate) copied over the base's, so both sides run the same
 * measurement code against their own src/ (as Node's compare.js runs one script on two binaries): a
 * change to a benchmark never shows up as a regression of the code.
 */
export async function shareHarness(head: string, base: string): Promise<void> {
  const to = join(base, 'dist', 'bench', 'gate');
  await rm(to, { recursive: true, force: true });
  await cp(join(head, 'dist', 'bench', 'gate'), to, { recursive: true });
}
