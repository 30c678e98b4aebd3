import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { Ajv } from 'ajv';
import { renderBencherMetricFormat, renderCustomSmallerIsBetter } from '../../src/gate/exports.js';
import { renderJunit } from '../../src/gate/junit.js';
import { COMMENT_MARKER, renderMarkdown } from '../../src/gate/markdown.js';
import { OUTPUT_FILES, writeGateOutputs } from '../../src/gate/outputs.js';
import { GATE_JSON_SCHEMA } from '../../src/gate/schema.js';
import { jitter, roundsOf, syntheticResult } from './fixtures.js';

const j = jitter(5, 0.02);
const byName = new Map([
  ['registry.lookup-hit', roundsOf(8, 1, j)],
  ['goc.cas.2t-shared', roundsOf(8, 1.3, j)],
  ['goc.racy.2t-shared', roundsOf(8, 1, jitter(9, 0.5))],
]);
const regressed = syntheticResult(byName, { status: 'regressed', exitCode: 1, headline: 'REGRESSION: 1 benchmark(s) slower beyond the threshold.' });

test('gate.json validates against the published schema, and the schema rejects a broken one', () => {
  const validate = new Ajv({ allErrors: true, strict: false }).compile(GATE_JSON_SCHEMA);
  const json = JSON.parse(JSON.stringify(regressed)) as Record<string, unknown>;
  assert.ok(validate(json), JSON.stringify(validate.errors));
  assert.equal(validate({ ...json, status: 'fine' }), false);
  assert.equal(validate({ ...json, benchmarks: [{ name: 'x' }] }), false);
});

test('gate.md: hidden marker first, one table with base | head | change [95% CI] | verdict, details folded', () => {
  const md = renderMarkdown(regressed);
  assert.ok(md.startsWith(`${COMMENT_MARKER}\n`));
  assert.match(md, /\| benchmark \| base \| head \| change \[95% CI\] \| verdict \|/);
  assert.match(md, /\| `goc\.cas\.2t-shared` \| .* \| \+\d+\.\d% \[\+\d+\.\d%, \+\d+\.\d%\] \| 🔴 regressed \|/);
  assert.match(md, /<details><summary>[^<]+<\/summary>[\s\S]*<\/details>/);
});

test('junit.xml: a regression is a failure, inconclusive is skipped, a forbidden outcome is a failure', () => {
  const x = renderJunit(regressed);
  assert.match(x, /name="goc\.cas\.2t-shared" time="0"><failure type="regression"/);
  assert.match(x, /name="goc\.racy\.2t-shared" time="0"><skipped/);
  assert.match(x, /failures="1"/);
  const forbidden = syntheticResult(byName, {
    status: 'forbidden',
    correctness: { forbidden: true, records: [{ benchmark: 'goc.cas.2t-shared', side: 'base', round: 0, strategy: 'cas', outcome: 'forbidden', duplicates: 1, orphansAtEnd: 0, reasons: ['1 duplicate <&>'] }] },
  });
  const fx = renderJunit(forbidden);
  assert.match(fx, /<failure type="forbidden" message="goc\.cas\.2t-shared \(base\): 1 duplicate &lt;&amp;&gt;"/);
  assert.match(renderMarkdown(forbidden), /Forbidden outcomes/);
});

test('an accepted regression says so in every output, never silently', async () => {
  const acc = syntheticResult(byName, {}, new Map([['goc.cas.2t-shared', 'needed for the fix of #12']]));
  assert.equal(acc.benchmarks.find((b) => b.name === 'goc.cas.2t-shared')!.verdict, 'accepted');
  assert.match(renderMarkdown(acc), /accepted \(needed for the fix of #12\)/);
  assert.match(renderJunit(acc), /accepted by trailer: needed for the fix of #12/);
  assert.match(renderCustomSmallerIsBetter(acc), /verdict accepted/);
  const dir = await mkdtemp(join(tmpdir(), 'gate-out-'));
  try {
    await writeGateOutputs(dir, acc);
    assert.match(await readFile(join(dir, 'gate.html'), 'utf8'), /needed for the fix of #12/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('Bencher Metric Format and customSmallerIsBetter carry every benchmark with the head median', () => {
  const bmf = JSON.parse(renderBencherMetricFormat(regressed)) as Record<string, Record<string, { value: number; lower_value: number; upper_value: number }>>;
  for (const b of regressed.benchmarks) {
    const m = bmf[b.name]!['ns-per-op']!;
    assert.equal(m.value, b.headMedian);
    assert.ok(m.lower_value <= m.value && m.value <= m.upper_value);
  }
  const gab = JSON.parse(renderCustomSmallerIsBetter(regressed)) as { name: string; unit: string; value: number }[];
  assert.deepEqual(gab.map((g) => g.name), regressed.benchmarks.map((b) => b.name));
  assert.ok(gab.every((g) => typeof g.value === 'number' && g.unit === 'ns/op'));
});

test('all outputs are written together, self-contained HTML with inline SVG and no external URL; no staging left', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'gate-out-'));
  try {
    await writeGateOutputs(dir, regressed);
    assert.deepEqual((await readdir(dir)).sort(), [...OUTPUT_FILES].sort());
    const html = await readFile(join(dir, 'gate.html'), 'utf8');
    assert.ok((html.match(/<svg/g) ?? []).length >= 2);
    assert.doesNotMatch(html, /<script|<link|src="http|href="http/);
    assert.match(html, /class="mark-rule/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('an unwritable out dir throws and leaves nothing half-written', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'gate-out-'));
  try {
    await writeFile(join(dir, 'file'), 'x');
    await assert.rejects(writeGateOutputs(join(dir, 'file', 'sub'), regressed));
    assert.deepEqual(await readdir(dir), ['file']);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('the published reports/gate.schema.json is the schema the code validates with', async () => {
  const published = JSON.parse(await readFile(join('reports', 'gate.schema.json'), 'utf8')) as unknown;
  assert.deepEqual(published, JSON.parse(JSON.stringify(GATE_JSON_SCHEMA)), 'regenerate: node -e "import(\'./dist/src/gate/schema.js\').then(m => require(\'fs\').writeFileSync(\'reports/gate.schema.json\', JSON.stringify(m.GATE_JSON_SCHEMA, null, 2) + \'\\n\'))"');
});
