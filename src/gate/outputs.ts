import { mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { renderBencherMetricFormat, renderCustomSmallerIsBetter } from './exports.js';
import { renderGateHtml } from './html.js';
import { renderJunit } from './junit.js';
import { renderMarkdown } from './markdown.js';
import type { GateResult } from './result.js';

export const OUTPUT_FILES = ['gate.json', 'gate.md', 'junit.xml', 'bencher.json', 'github-action-benchmark.json', 'gate.html'] as const;

/**
 * Writes every output of one run under `outDir`. All files are rendered into a staging dir inside
 * outDir first, then renamed into place one by one (each rename is atomic), so a reader never sees
 * a half-written file and a rendering error leaves the previous outputs untouched.
 */
export async function writeGateOutputs(outDir: string, r: GateResult): Promise<string[]> {
  const files: Record<(typeof OUTPUT_FILES)[number], string> = {
    'gate.json': `${JSON.stringify(r, null, 2)}\n`,
    'gate.md': renderMarkdown(r),
    'junit.xml': renderJunit(r),
    'bencher.json': renderBencherMetricFormat(r),
    'github-action-benchmark.json': renderCustomSmallerIsBetter(r),
    'gate.html': await renderGateHtml(r),
  };
  await mkdir(outDir, { recursive: true });
  const staging = await mkdtemp(join(outDir, '.staging-'));
  try {
    for (const [name, text] of Object.entries(files)) await writeFile(join(staging, name), text);
    for (const name of OUTPUT_FILES) await rename(join(staging, name), join(outDir, name));
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
  return OUTPUT_FILES.map((f) => join(outDir, f));
}
