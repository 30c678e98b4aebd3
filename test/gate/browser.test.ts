// Opens gate.html and the bench's latest.html in a real headless Chromium (Debian's package, driven
// by puppeteer-core; no browser download) and checks that the charts rendered: SVG marks present,
// no console error, a screenshot saved. Skipped, with the reason printed, where no browser runs.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import puppeteer, { type Browser } from 'puppeteer-core';
import { renderBenchHtml, type BenchResultJson } from '../../bench/report/html.js';
import { historyLineOf } from '../../bench/report/history.js';
import { writeGateOutputs } from '../../src/gate/outputs.js';
import { jitter, roundsOf, syntheticResult } from './fixtures.js';
import { writeFile } from 'node:fs/promises';

const CANDIDATES = [process.env.CHROME_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].filter((p): p is string => p !== undefined && p !== '');
const SCREENSHOTS = resolve('.tmp', 'screenshots');

async function launch(): Promise<{ browser: Browser } | { skip: string }> {
  const exe = CANDIDATES.find((p) => existsSync(p));
  if (exe === undefined) return { skip: `no Chromium found (tried ${CANDIDATES.join(', ')}); install Debian's chromium package or set CHROME_PATH` };
  try {
    return { browser: await puppeteer.launch({ executablePath: exe, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'], timeout: 60_000 }) };
  } catch (e) {
    return { skip: `Chromium at ${exe} did not start: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}` };
  }
}

async function check(browser: Browser, file: string, shot: string, chartIds: readonly string[]): Promise<void> {
  const page = await browser.newPage();
  const errors: string[] = [];
  const requests: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('request', (r) => {
    if (!r.url().startsWith('file:')) requests.push(r.url());
  });
  await page.setViewport({ width: 1200, height: 900 });
  await page.goto(`file://${file}`, { waitUntil: 'load' });
  for (const id of chartIds) {
    const marks = await page.$$eval(`#${id} svg .marks, #${id} svg [class^="mark-"] path, #${id} svg [class^="mark-"] line, #${id} svg [class^="mark-"] rect`, (els) => els.length);
    assert.ok(marks > 0, `${id}: no SVG marks in ${file}`);
    const box = await page.$eval(`#${id} svg`, (el: { getBoundingClientRect(): { width: number; height: number } }) => el.getBoundingClientRect().width * el.getBoundingClientRect().height);
    assert.ok(box > 1000, `${id}: the SVG has no visible size`);
  }
  await mkdir(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, shot), fullPage: true });
  assert.deepEqual(errors, [], 'console errors');
  assert.deepEqual(requests, [], 'the page must not fetch anything (offline, self-contained)');
  await page.close();
}

test('gate.html and latest.html render their charts in headless Chromium', { timeout: 180_000 }, async (t) => {
  const l = await launch();
  if ('skip' in l) {
    console.log(`# browser test skipped: ${l.skip}`);
    t.skip(l.skip);
    return;
  }
  const dir = await mkdtemp(join(tmpdir(), 'gate-browser-'));
  try {
    const j = jitter(3, 0.03);
    const r = syntheticResult(new Map([
      ['registry.lookup-hit', roundsOf(8, 1, j)],
      ['goc.cas.2t-shared', roundsOf(8, 1.3, j)],
      ['goc.locked.2t-shared', roundsOf(8, 0.8, j)],
    ]));
    await writeGateOutputs(dir, r);
    await check(l.browser, join(dir, 'gate.html'), 'gate.png', ['forest', 'rounds']);
    const bench = JSON.parse(await readFile(resolve('reports', '2026-11-26-full.json'), 'utf8')) as BenchResultJson;
    await writeFile(join(dir, 'latest.html'), await renderBenchHtml(bench, [historyLineOf(bench), historyLineOf({ ...bench, startedAt: '2026-11-27T00:00:00.000Z' })]));
    await check(l.browser, join(dir, 'latest.html'), 'latest.png', ['strategies', 'latency', 'tav', 'history']);
    console.log(`# screenshots: ${SCREENSHOTS}/gate.png, ${SCREENSHOTS}/latest.png`);
  } finally {
    await l.browser.close();
    await rm(dir, { recursive: true, force: true });
  }
});
