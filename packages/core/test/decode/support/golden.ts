// Reading NFStream's golden CSVs (spec/golden) for the decoder conformance tests.
import { readdirSync, readFileSync } from 'node:fs';
import { PCAPS, goldenRoot } from '../../../../../test/support/paths.js';
import { join } from 'node:path';

export { GOLDEN_TAR } from '../../../../../test/support/paths.js';
export const CORPUS_DIR = PCAPS;

/** Extracts the golden archive once (atomically) and returns its root. */
export function ensureGolden(): string {
  return goldenRoot();
}

export function syntheticCaptures(): string[] {
  return readdirSync(join(ensureGolden(), 'synthetic_pcaps')).filter((f) => f.endsWith('.pcap')).sort();
}

export function corpusCaptures(): string[] {
  return readdirSync(CORPUS_DIR).sort();
}

/** Splits one CSV line; fields may be quoted (quotes escaped as \" by NFStream's writer). */
function splitCsv(line: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i <= line.length) {
    if (line[i] === '"') {
      let j = i + 1;
      let v = '';
      while (j < line.length && line[j] !== '"') {
        if (line[j] === '\\' && j + 1 < line.length) j++;
        v += line[j];
        j++;
      }
      out.push(v);
      i = j + 2;
    } else {
      let j = line.indexOf(',', i);
      if (j < 0) j = line.length;
      out.push(line.slice(i, j));
      i = j + 1;
    }
  }
  return out;
}

export type GoldenRow = Record<string, string>;

/** Rows of a golden .out file (empty file ⇒ no rows). */
export function readGolden(cfg: string, kind: 'synthetic' | 'corpus', capture: string): GoldenRow[] {
  const text = readFileSync(join(ensureGolden(), 'golden', cfg, kind, `${capture}.out`), 'utf8');
  const lines = text.split('\n').filter((l) => l.length > 0);
  if (lines.length === 0) return [];
  const header = splitCsv(lines[0]);
  return lines.slice(1).map((l) => {
    const f = splitCsv(l);
    const row: GoldenRow = {};
    header.forEach((h, k) => {
      row[h] = f[k];
    });
    return row;
  });
}
