import { GATE_SCHEMA_ID } from './result.js';

const num = { type: 'number' } as const;
const int = { type: 'integer', minimum: 0 } as const;
const str = { type: 'string' } as const;
const nullableNum = { type: ['number', 'null'] } as const;
const interval = { type: ['object', 'null'], required: ['lo', 'hi'], additionalProperties: false, properties: { lo: num, hi: num } } as const;
const obj = (props: Record<string, unknown>): Record<string, unknown> => ({ type: 'object', required: Object.keys(props), additionalProperties: false, properties: props });
const verdict = { enum: ['regressed', 'improved', 'unchanged', 'inconclusive', 'accepted'] } as const;
const pair = { type: 'array', items: num, minItems: 2, maxItems: 2 } as const;

/** The published JSON Schema of gate.json (draft-07; published as reports/gate.schema.json). */
export const GATE_JSON_SCHEMA = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'https://raftrace.invalid/schema/gate-1.json',
  title: 'raftrace gate result',
  ...obj({
    schema: { const: GATE_SCHEMA_ID },
    status: { enum: ['pass', 'regressed', 'forbidden', 'inconclusive', 'harness-failure', 'interrupted'] },
    exitCode: int,
    headline: str,
    partial: { type: 'boolean' },
    startedAt: str,
    wallSeconds: num,
    environment: obj({ cores: int, cpuModel: str, memoryGiB: num, node: str, platform: str, loadAverage1m: num, ci: { type: 'boolean' } }),
    refs: obj({
      base: obj({ ref: str, commit: str, why: str }),
      head: obj({ ref: str, commit: { type: ['string', 'null'] }, dirty: { type: 'boolean' } }),
    }),
    config: obj({ alpha: num, floorPct: num, noiseK: num, ceilingPct: num, suite: { enum: ['quick', 'full'] }, initialRounds: int, maxRounds: int, strict: { type: 'boolean' } }),
    preparation: obj({ base: obj({ nodeModules: str, build: str }), head: obj({ nodeModules: str, build: str }), harness: { const: 'head' } }),
    calibration: obj({ aaShowsDifference: { type: 'array', items: str }, medianAaNoisePct: nullableNum }),
    benchmarks: {
      type: 'array',
      items: obj({
        name: str, unit: str, description: str,
        rounds: { type: 'array', items: obj({ order: { enum: ['ABBA', 'BAAB'] }, base: pair, head: pair }) },
        baseMedian: num, headMedian: num, changePct: num, ciPct: interval, pairs: int, p: num, pHolm: num,
        aa: obj({ estimatePct: num, ciPct: interval, p: num, pHolm: num, noisePct: nullableNum }),
        thresholdPct: nullableNum, verdict, acceptedReason: { type: ['string', 'null'] }, extended: { type: 'boolean' },
      }),
    },
    notJudged: { type: 'array', items: obj({ name: str, reason: str }) },
    correctness: obj({
      forbidden: { type: 'boolean' },
      records: { type: 'array', items: obj({ benchmark: str, side: { enum: ['base', 'head'] }, round: int, strategy: str, outcome: str, duplicates: int, orphansAtEnd: int, reasons: { type: 'array', items: str } }) },
    }),
    counts: obj({ regressed: int, improved: int, unchanged: int, inconclusive: int, accepted: int }),
    processes: int,
    harnessFailure: { type: ['string', 'null'] },
  }),
} as const;
