import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const exec = promisify(execFile);

/** A git command's trimmed stdout; throws with git's stderr on failure. */
export async function git(cwd: string, args: readonly string[]): Promise<string> {
  const { stdout } = await exec('git', [...args], { cwd, maxBuffer: 16 << 20 });
  return stdout.trim();
}

async function tryGit(cwd: string, args: readonly string[]): Promise<string | null> {
  try {
    return await git(cwd, args);
  } catch {
    return null;
  }
}

/** The commit a ref names, or null when it names none. */
export async function resolveCommit(root: string, ref: string): Promise<string | null> {
  if (ref.startsWith('-')) return null;
  return tryGit(root, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]);
}

export async function repoRoot(cwd: string): Promise<string | null> {
  return tryGit(cwd, ['rev-parse', '--show-toplevel']);
}

/**
 * The default base: the merge-base of HEAD with the default branch (origin's HEAD, else main, else
 * master), unless that is HEAD itself (we are on the default branch); then HEAD~1. Null when
 * neither exists (a repository with one commit).
 */
export async function defaultBase(root: string): Promise<{ ref: string; why: string } | null> {
  const head = await resolveCommit(root, 'HEAD');
  const originHead = await tryGit(root, ['symbolic-ref', '--quiet', 'refs/remotes/origin/HEAD']);
  for (const branch of [originHead, 'refs/heads/main', 'refs/heads/master']) {
    if (branch === null) continue;
    const mb = await tryGit(root, ['merge-base', 'HEAD', branch]);
    if (mb !== null && mb !== head) return { ref: mb, why: `merge-base of HEAD and ${branch.replace(/^refs\/(heads|remotes)\//, '')}` };
  }
  const parent = await resolveCommit(root, 'HEAD~1');
  return parent === null ? null : { ref: parent, why: 'HEAD~1 (no default branch to fork from)' };
}

/** Uncommitted changes to tracked files (untracked files are ignored: the build does not see them unless imported). */
export async function isDirty(root: string): Promise<boolean> {
  return (await git(root, ['status', '--porcelain', '--untracked-files=no'])) !== '';
}

/**
 * `Perf-Regression-Accepted: <benchmark> <reason>` trailers of the commits in base..head, as
 * benchmark → reason. The trailer must name the benchmark exactly; a reason is required.
 */
export async function acceptedRegressions(root: string, base: string, head: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const text = await git(root, ['log', '--format=%(trailers:key=Perf-Regression-Accepted,valueonly,unfold)', `${base}..${head}`]);
  for (const line of text.split('\n')) {
    const m = /^\s*(\S+)\s+(\S.*)$/.exec(line);
    if (m) out.set(m[1]!, m[2]!.trim());
  }
  return out;
}
