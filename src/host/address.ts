/**
 * Names and placement shared by every layer above raft: server i's node id, group g's name, and
 * which servers hold group g's replicas. Deterministic, so every thread derives the same ones.
 */

/** Groups are numbered 0..groupsMax-1 in a run; this bounds the directory and assignment tables. */
export const GROUPS_LIMIT = 1 << 20;
export const SERVERS_LIMIT = 31;

/** NATS-like 8-character node id of server `s` (NATS hashes the server name; we only need it stable and unique). */
export function nodeIdOf(server: number): string {
  // One string per server, shared by every node of it (a string per node is ~24 B of heap each).
  return (NODE_IDS[server] ??= `S${String(server).padStart(2, '0')}node_`.slice(0, 8));
}
const NODE_IDS: string[] = [];

/** Server index of a node id made by `nodeIdOf`; -1 if it is not one. */
export function serverOfNodeId(id: string): number {
  if (id.length !== 8 || id.charCodeAt(0) !== 0x53) return -1;
  const n = (id.charCodeAt(1) - 48) * 10 + (id.charCodeAt(2) - 48);
  return n >= 0 && n < 100 ? n : -1;
}

/** A NATS-looking group name, `C-R3F-` + 8 characters, unique per group index. */
export function groupNameOf(group: number): string {
  // Spread indexes over the alphabet so names do not share long prefixes (as NATS's random ones do not).
  let x = Math.imul(group + 1, 0x9e3779b1) >>> 0;
  let s = '';
  for (let i = 0; i < 8; i++) {
    s += ALPHABET[x % 62];
    x = (Math.floor(x / 62) ^ Math.imul(group + i + 7, 0x85ebca6b)) >>> 0;
  }
  return `C-R3F-${s}`;
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** Replica servers of group `g`: R consecutive servers starting at g mod S (distinct while R <= S). */
export function replicasOf(group: number, servers: number, replicas: number): number[] {
  return Array.from({ length: replicas }, (_, i) => (group + i) % servers);
}
