// A node:test reporter for scripts/run-tests.mjs: one JSON line per finished test or suite
// ({ file, name, nesting, suite, ms, ok }), so the runner can say which files and tests cost the
// suite its time. Node 20's TAP output has each test's duration_ms but not its file.
export default async function* timings(source) {
  for await (const ev of source) {
    if (ev.type !== 'test:pass' && ev.type !== 'test:fail') continue;
    const d = ev.data;
    yield `${JSON.stringify({
      file: d.file ?? null,
      name: d.name,
      nesting: d.nesting,
      suite: d.details?.type === 'suite',
      ms: d.details?.duration_ms ?? 0,
      ok: ev.type === 'test:pass',
    })}\n`;
  }
}
