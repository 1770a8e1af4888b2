import { fileURLToPath } from 'node:url';
/**
 * Agreement of flowstream's nDPI columns with NFStream's results (corpus/nfstream/results/NAME),
 * shared by `scripts/ndpi-agreement.ts` and `test/ndpi-agreement.test.ts`. Flows are matched by id,
 * and only when id, bidirectional_packets and bidirectional_bytes all agree (otherwise the meter,
 * not nDPI, differs and the flow is counted as unmatched).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The nDPI columns compared (results CSV columns 4–7). */
export const NDPI_COLUMNS = [
  'application_name',
  'application_category_name',
  'application_is_guessed',
  'application_confidence',
] as const;
export type NdpiColumn = (typeof NDPI_COLUMNS)[number];

/** One flow as far as the comparison is concerned. */
export interface FlowRow {
  id: number;
  bidirectional_packets: number;
  bidirectional_bytes: number;
  application_name: string;
  application_category_name: string;
  application_is_guessed: number;
  application_confidence: number;
}

export interface CaptureAgreement {
  capture: string;
  expected: number;
  produced: number;
  matched: number;
  /** Matched flows agreeing on each column. */
  agree: Record<NdpiColumn, number>;
  /** Matched flows agreeing on all four columns. */
  agreeAll: number;
  /** A few differing rows, `id: ours ≠ theirs`. */
  examples: string[];
}

export interface AgreementReport {
  captures: CaptureAgreement[];
  expected: number;
  matched: number;
  agree: Record<NdpiColumn, number>;
  agreeAll: number;
}

/** Default corpus location. */
export const CORPUS = process.env.FLOWSTREAM_SHARED ? join(process.env.FLOWSTREAM_SHARED, 'corpus', 'nfstream') : fileURLToPath(new URL('../../../shared/corpus/nfstream', import.meta.url));

/** Captures that have a results file, sorted by name. */
export function capturesWithResults(corpus = CORPUS): string[] {
  const results = new Set(readdirSync(join(corpus, 'results')));
  return readdirSync(join(corpus, 'pcaps'))
    .filter((n) => results.has(n))
    .sort();
}

/** Parses a results CSV (no quoting in these files: names contain no commas). */
export function readResults(corpus: string, capture: string): FlowRow[] {
  const lines = readFileSync(join(corpus, 'results', capture), 'utf8').split('\n').filter((l) => l !== '');
  return lines.slice(1).map((line) => {
    const c = line.split(',');
    return {
      id: Number(c[0]),
      bidirectional_packets: Number(c[1]),
      bidirectional_bytes: Number(c[2]),
      application_name: c[3]!,
      application_category_name: c[4]!,
      application_is_guessed: Number(c[5]),
      application_confidence: Number(c[6]),
    };
  });
}

/** Compares our flows of one capture with NFStream's. */
export function compareCapture(capture: string, ours: readonly FlowRow[], theirs: readonly FlowRow[]): CaptureAgreement {
  const agree = { application_name: 0, application_category_name: 0, application_is_guessed: 0, application_confidence: 0 };
  const byId = new Map(ours.map((f) => [f.id, f]));
  let matched = 0;
  let agreeAll = 0;
  const examples: string[] = [];
  for (const t of theirs) {
    const o = byId.get(t.id);
    if (o === undefined || o.bidirectional_packets !== t.bidirectional_packets || o.bidirectional_bytes !== t.bidirectional_bytes) continue;
    matched++;
    let all = true;
    for (const col of NDPI_COLUMNS) {
      if (o[col] === t[col]) agree[col]++;
      else all = false;
    }
    if (all) agreeAll++;
    else if (examples.length < 4) examples.push(`${t.id}: ${rowText(o)} ≠ ${rowText(t)}`);
  }
  return { capture, expected: theirs.length, produced: ours.length, matched, agree, agreeAll, examples };
}

function rowText(f: FlowRow): string {
  return `${f.application_name}/${f.application_category_name}/${f.application_is_guessed}/${f.application_confidence}`;
}

/** Sums per-capture results. */
export function summarize(captures: CaptureAgreement[]): AgreementReport {
  const agree = { application_name: 0, application_category_name: 0, application_is_guessed: 0, application_confidence: 0 };
  let expected = 0;
  let matched = 0;
  let agreeAll = 0;
  for (const c of captures) {
    expected += c.expected;
    matched += c.matched;
    agreeAll += c.agreeAll;
    for (const col of NDPI_COLUMNS) agree[col] += c.agree[col];
  }
  return { captures, expected, matched, agree, agreeAll };
}

/** Human-readable report: per-column agreement over matched flows and the captures that differ most. */
export function formatReport(r: AgreementReport, worst = 15): string {
  const pct = (n: number, d: number) => (d === 0 ? 'n/a' : `${((100 * n) / d).toFixed(2)}%`);
  const out = [
    `flows: ${r.expected} expected, ${r.matched} matched by id/packets/bytes (${pct(r.matched, r.expected)})`,
    ...NDPI_COLUMNS.map((c) => `  ${c.padEnd(27)} ${pct(r.agree[c], r.matched)} (${r.agree[c]}/${r.matched})`),
    `  ${'all four columns'.padEnd(27)} ${pct(r.agreeAll, r.matched)} (${r.agreeAll}/${r.matched})`,
    `captures differing most (flows differing / matched):`,
  ];
  const ranked = r.captures
    .filter((c) => c.matched > c.agreeAll || c.matched < c.expected)
    .sort((a, b) => b.matched - b.agreeAll - (a.matched - a.agreeAll) || a.capture.localeCompare(b.capture));
  for (const c of ranked.slice(0, worst)) {
    const unmatched = c.expected - c.matched;
    out.push(`  ${c.capture}: ${c.matched - c.agreeAll}/${c.matched}${unmatched > 0 ? ` (+${unmatched} unmatched)` : ''}`);
    for (const e of c.examples) out.push(`      ${e}`);
  }
  return out.join('\n');
}
