#!/usr/bin/env node
// Replicated reading, for `pnpm bench`: the other way to run parallel meters, measured beside ours.
//
//   node scripts/bench-split.mjs CAPTURE --share I/N [--n-dissections N] [--statistical-analysis]
//
// Meters share I of N of the capture's flows as one of N independent meters (see meterShare in
// packages/streamer/src/parallel/share-meter.ts): it reads the whole capture and keeps the shared
// clock, but meters only its share. N such processes at once are parallel metering where every
// meter reads and routes every record itself, and nothing crosses threads (no dispatching thread,
// no rings, no batches to collect); `--n-meters` instead reads once and hands records over in
// shared memory. `--share 0/1` meters every flow through the same code. Prints `flows N` (its
// share's flows).
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';

const USAGE = 'usage: node scripts/bench-split.mjs CAPTURE --share I/N [--n-dissections N] [--statistical-analysis]';
let parsed;
try {
  parsed = parseArgs({
    allowPositionals: true,
    options: { share: { type: 'string' }, 'n-dissections': { type: 'string', default: '0' }, 'statistical-analysis': { type: 'boolean', default: false } },
  });
} catch (err) {
  process.stderr.write(`bench-split: ${err.message}\n${USAGE}\n`);
  process.exit(2);
}
const { values, positionals } = parsed;
const m = /^(\d+)\/(\d+)$/.exec(values.share ?? '');
const problem =
  positionals.length !== 1 ? 'one CAPTURE' : !existsSync(positionals[0]) ? `no such file: ${positionals[0]}` : m === null || Number(m[1]) >= Number(m[2]) ? '--share I/N with 0 ≤ I < N' : null;
if (problem !== null) {
  process.stderr.write(`bench-split: ${problem}\n${USAGE}\n`);
  process.exit(2);
}
const file = positionals[0];
const options = { nDissections: Number(values['n-dissections']), statisticalAnalysis: values['statistical-analysis'] };

const core = await import('@flowstream/core');
const { meterShare } = await import(new URL('../packages/streamer/dist/parallel/share-meter.js', import.meta.url).href);
const resolved = core.resolveMeteringOptions(options);
let dissector = null;
if (resolved.nDissections > 0) {
  const lib = core.loadNdpi();
  if (lib instanceof Error) throw lib;
  dissector = core.createNdpiDissector(lib, resolved.nDissections);
}
const { flows, error } = meterShare([file], Number(m[1]), Number(m[2]), resolved, dissector, () => {});
if (error !== null) throw error;
process.stdout.write(`flows ${flows}\n`);
