/**
 * Measures how often flowstream's nDPI columns agree with NFStream's results on every dev capture,
 * using the core pieces directly (parser → decoder → meter with the nDPI dissector), so it runs
 * before the streamer is wired. Run: `npx tsx --conditions=source scripts/ndpi-agreement.ts [names…]`.
 */
import { join } from 'node:path';
import { createNdpiDissector, loadNdpi, ndpiVersion } from '../packages/core/src/dissect/index.js';
import type { NdpiLibrary } from '../packages/core/src/dissect/index.js';
import { meterFlows } from '../packages/core/test/dissect/support/capture-flows.js';
import type { FlowRow } from './lib/ndpi-agreement-report.js';
import { capturesWithResults, compareCapture, CORPUS, formatReport, readResults, summarize } from './lib/ndpi-agreement-report.js';

/** Runs one capture with NFStream's defaults and `n_dissections`. */
export function runCapture(lib: NdpiLibrary, path: string, nDissections = 20): FlowRow[] {
  return meterFlows(path, createNdpiDissector(lib, nDissections));
}

function main(): void {
  const lib = loadNdpi();
  if (lib instanceof Error) {
    console.error(lib.message);
    process.exit(2);
  }
  console.log(ndpiVersion(lib));
  const only = process.argv.slice(2);
  const names = capturesWithResults().filter((n) => only.length === 0 || only.includes(n));
  const captures = names.map((n) => compareCapture(n, runCapture(lib, join(CORPUS, 'pcaps', n)), readResults(CORPUS, n)));
  console.log(formatReport(summarize(captures), Number(process.env.WORST ?? 15)));
}

if (import.meta.url === `file://${process.argv[1]}`) main();
