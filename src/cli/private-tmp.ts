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
  process.on('exit', () => removeOnExit(dir));
  return dir;
}

/**
 * On exit the worker threads may still be running (they stop after the 'exit' listeners), and a
 * node that is still writing can refill a directory between the scan and the rmdir: retry until
 * the tree is gone or the deadline passes, then leave it to a detached cleaner that outlives us.
 */
function removeOnExit(dir: string): void {
  const deadline = performance.now() + REMOVE_DEADLINE_MS;
  for (;;) {
    try {
      rmSync(dir, { recursive: true, force: true, maxRetries: 3, retryDelay: 5 });
      return;
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
