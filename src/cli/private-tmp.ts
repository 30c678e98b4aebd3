import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** How long an exiting process keeps retrying to remove its temp tree while worker threads still write into it. */
const REMOVE_DEADLINE_MS = 3000;

/**
 * A private parent dir for this process's run stores (passed to runScenario as storeParentDir).
 * runScenario removes its store itself; this is the backstop for the one path where it cannot: a
 * second Ctrl-C, which exits at once while worker threads are still running. The dir is removed on
 * any process exit.
 */
export function usePrivateTmp(): string {
  const dir = mkdtempSync(join(tmpdir(), 'raftrace-cli-'));
  const watched = startWatchdog(dir);
  process.on('exit', () => removeOnExit(dir, watched));
  return dir;
}

/**
 * A detached `sh` started now, while nothing is exiting, that waits for this process to be gone —
 * worker threads included — and then removes the tree. The 'exit' listener removes it first; but
 * after a second Ctrl-C worker threads still run after the listeners, and a straggler's recursive
 * mkdir (NATS's MkdirAll of the store dir) recreated `S02/_js_/C-R3F-…/{msgs,obs}` after a
 * successful removal. Only a process that outlives ours can remove last. Started up front because
 * spawning from an 'exit' listener while threads are torn down is what we want least at that point.
 * Returns false where no `sh` can be started (the exit-time cleaner below is then the fallback).
 */
function startWatchdog(dir: string): boolean {
  try {
    const script = 'while kill -0 "$1" 2>/dev/null; do sleep 0.2; done; rm -rf -- "$2"';
    const child = spawn('sh', ['-c', script, 'raftrace-tmp-watchdog', String(process.pid), dir], { detached: true, stdio: 'ignore' });
    child.on('error', () => undefined); // no sh: the exit-time cleaner takes over
    child.unref();
    return child.pid !== undefined;
  } catch {
    return false;
  }
}

/**
 * On exit the worker threads may still be running (they stop after the 'exit' listeners), and a
 * node that is still writing can refill a directory between the scan and the rmdir: retry until
 * the tree is gone or the deadline passes, then leave it to a detached cleaner that outlives us.
 */
function removeOnExit(dir: string, watched: boolean): void {
  const deadline = performance.now() + REMOVE_DEADLINE_MS;
  for (;;) {
    try {
      rmSync(dir, { recursive: true, force: true, maxRetries: 3, retryDelay: 5 });
      return;
    } catch {
      if (performance.now() > deadline) break;
    }
  }
  if (watched) return; // the watchdog removes what is left once we are gone
  const cleaner = `const {rmSync}=require('node:fs');const pid=${process.pid};const dir=${JSON.stringify(dir)};` +
    `const gone=()=>{try{process.kill(pid,0);return false}catch{return true}};` +
    `const t=setInterval(()=>{if(!gone())return;clearInterval(t);rmSync(dir,{recursive:true,force:true,maxRetries:10});},20);`;
  try {
    spawn(process.execPath, ['-e', cleaner], { detached: true, stdio: 'ignore' }).unref();
  } catch {
    // Nothing more can be done while exiting; the directory's name says what it was.
  }
}
