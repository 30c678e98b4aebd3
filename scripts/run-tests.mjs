// Runs every compiled test file explicitly. Node 20's `node --test` given a directory or a glob
// finds zero files and exits 0, so this lists them and refuses a run in which no test executed.
import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

function find(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...find(p));
    else if (name.endsWith('.test.js')) out.push(p);
  }
  return out;
}

const only = process.argv.slice(2);
const files = (only.length > 0 ? only : find('dist/test')).sort();
if (files.length === 0) {
  console.error('run-tests: no test files found under dist/test (did the build run?)');
  process.exit(1);
}
let tests = -1;
let buf = '';
const child = spawn(process.execPath, ['--test', '--test-reporter=tap', '--test-concurrency=1', ...files], {
  stdio: ['ignore', 'pipe', 'inherit'],
});
child.stdout.on('data', (chunk) => {
  process.stdout.write(chunk);
  buf += chunk.toString();
});
child.on('close', (code) => {
  const m = /^# tests (\d+)$/m.exec(buf);
  if (m) tests = Number(m[1]);
  if (code !== 0) process.exit(code ?? 1);
  if (tests <= 0) {
    console.error(`run-tests: ${tests < 0 ? 'no summary line' : 'zero tests'} from ${files.length} file(s)`);
    process.exit(1);
  }
  process.exit(0);
});
