// One gate measurement per process (a fresh isolate each time, so JIT state, heap layout and
// worker pools never carry over between base and head). Protocol: argv `<name>` → one JSON line
// `{"name", "value", "correctness"}` on stdout, exit 0; any failure → message on stderr, exit 4.
// `--list <quick|full>` prints the suite's catalog as JSON instead.
import { CATALOG, suiteOf } from './catalog.js';
import { measure } from './measure.js';

async function main(argv: string[]): Promise<void> {
  if (argv[0] === '--list') {
    const suite = argv[1] === 'full' ? 'full' : argv[1] === 'quick' ? 'quick' : null;
    process.stdout.write(`${JSON.stringify(suite === null ? CATALOG : suiteOf(suite))}\n`);
    return;
  }
  const name = argv[0] ?? '';
  const m = await measure(name);
  if (!Number.isFinite(m.value) || m.value <= 0) throw new Error(`${name}: measured a non-positive value ${m.value}`);
  process.stdout.write(`${JSON.stringify({ name, value: m.value, correctness: m.correctness })}\n`);
}

main(process.argv.slice(2)).then(
  () => process.exit(0),
  (e: unknown) => {
    process.stderr.write(`gate bench: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(4);
  },
);
