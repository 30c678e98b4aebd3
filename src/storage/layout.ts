import { isAbsolute, join } from 'node:path';

/**
 * NATS's on-disk layout for Raft groups, as raftrace mirrors it: NATS keeps a group's state in
 * `<StoreDir>/$SYS/_js_/<group>`; raftrace gives each modelled server its own subtree of the run
 * root: `<storeRoot>/<server>/_js_/<group>`.
 */

/** The term-and-vote file name (`termVoteFile` in raft.go). */
export const TERM_VOTE_FILE = 'tav.idx';
/** The peer-state file name (`peerStateFile` in raft.go). */
export const PEERS_FILE = 'peers.idx';
/** The directory under a server's store that holds Raft groups. */
export const RAFT_GROUPS_DIR = '_js_';
/** Longest server or group name in UTF-8 bytes: Linux NAME_MAX, since each becomes one path component. */
export const MAX_NAME_BYTES = 255;

/** The fields a layout name check can reject. */
export type LayoutField = 'storeRoot' | 'server' | 'group';

/** A server or group name (or store root) that cannot be used as a path component. */
export class LayoutNameError extends RangeError {
  override readonly name = 'LayoutNameError';
  /** Stable code for callers that map errors to exit codes. */
  readonly code = 'ERR_RAFTRACE_LAYOUT_NAME' as const;

  constructor(
    readonly field: LayoutField,
    detail: string,
  ) {
    super(`${field} ${detail}`);
  }
}

/**
 * Check that `value` is safe as exactly one path component: non-empty, at most
 * {@link MAX_NAME_BYTES} UTF-8 bytes, no `/`, `\` or NUL, and no `..` anywhere (so it can neither
 * climb out of the store root nor be confused with `.`). Throws {@link LayoutNameError} naming
 * the field.
 */
export function validateName(field: 'server' | 'group', value: string): void {
  if (typeof value !== 'string' || value.length === 0) {
    throw new LayoutNameError(field, 'must be a non-empty string');
  }
  const bytes = Buffer.byteLength(value, 'utf8');
  if (bytes > MAX_NAME_BYTES) {
    throw new LayoutNameError(field, `must be at most ${MAX_NAME_BYTES} UTF-8 bytes, got ${bytes}`);
  }
  if (/[/\\\0]/.test(value)) {
    throw new LayoutNameError(field, `must not contain '/', '\\' or NUL, got ${JSON.stringify(value)}`);
  }
  if (value === '.' || value.includes('..')) {
    throw new LayoutNameError(field, `must not be '.' or contain '..', got ${JSON.stringify(value)}`);
  }
}

function validateRoot(storeRoot: string): void {
  if (typeof storeRoot !== 'string' || storeRoot.length === 0 || !isAbsolute(storeRoot)) {
    throw new LayoutNameError('storeRoot', `must be an absolute path, got ${JSON.stringify(storeRoot)}`);
  }
}

/** `<storeRoot>/<server>` — one modelled server's store dir. */
export function serverDir(storeRoot: string, server: string): string {
  validateRoot(storeRoot);
  validateName('server', server);
  return join(storeRoot, server);
}

/** `<storeRoot>/<server>/_js_/<group>` — the group's store dir (NATS: `<StoreDir>/$SYS/_js_/<group>`). */
export function groupDir(storeRoot: string, server: string, group: string): string {
  const dir = serverDir(storeRoot, server); // root, then server, then group: errors in that order
  validateName('group', group);
  return join(dir, RAFT_GROUPS_DIR, group);
}

/** `<groupDir>/tav.idx` — term and vote, rewritten on every term or vote change. */
export function termVotePath(storeRoot: string, server: string, group: string): string {
  return join(groupDir(storeRoot, server, group), TERM_VOTE_FILE);
}

/** `<groupDir>/peers.idx` — the bootstrapped peer state. */
export function peersPath(storeRoot: string, server: string, group: string): string {
  return join(groupDir(storeRoot, server, group), PEERS_FILE);
}
