import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXIT } from './exit-codes.js';

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
  // Exits 130 and 4 may leave worker threads running (a second Ctrl-C, abandoned disk operations,
  // a crashed run): only then can a straggler write into the tree after it was removed.
  process.on('exit', (code) => removeOnExit(dir, code === EXIT.interrupted || code === EXIT.harnessFailure));
  return dir;
}

/**
 * On exit the worker threads may still be running (they stop after the 'exit' listeners), and a
 * node that is still writing can refill a directory between the scan and the rmdir: retry until
 * the tree is gone or the deadline passes, then leave it to a detached cleaner that outlives us.
 * When threads may outlive the listeners, the cleaner runs even after a successful removal: a
 * straggler's recursive mkdir recreates the tree afterwards (seen: `S02/_js_/C-R3F-…/{msgs,obs}`
 * left 8 s after a double Ctrl-C exited 130), and only a process that waits for ours to be gone,
 * threads included, removes it last.
 */
function removeOnExit(dir: string, threadsMayOutlive: boolean): void {
  const deadline = performance.now() + REMOVE_DEADLINE_MS;
  for (;;) {
    try {
      rmSync(dir, { recursive: true, force: true, maxRetries: 3, retryDelay: 5 });
      if (!threadsMayOutlive) return;
      break;
    } catch {
      if (performance.now() > deadline) break;
    }
  }
  const cleaner = `const {rmSync}=require('node:fs');const pid=${process.pid};const dir=${JSON.stringify(dir)};` +
    `const gone=()=>{try{process.kill(pid,0);return false}catch{return true}};` +
    `const t=setInterval(()=>{if(!gone())return;clearInterval(t);rmSync(dir,{recursive:true,force:true,maxRetries:10});},20);`;
  try {
    spawn(process.execPath, ['-e', cleaner], { detached: true, stdio: 'ignore' }).unref();
  } catch {
    // Nothing more can be done while exiting; the directory's name says what it was.
  }
}
