import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { NFStreamer } from '@flowstream/streamer';
import { csvText } from './support/csv-text.js';
import type { NFStreamerOptions } from '@flowstream/streamer';
import { loadNdpi } from '@flowstream/core';
import { PCAPS, corpusCaptures, goldenRoot } from './support/paths.js';

// NFStream 6.5.4's own to_csv() output (spec/golden/README.md): configurations A–D must match byte
// for byte, row order included; E everywhere except the nine nDPI columns.
const CONFIGS: Record<string, Omit<NFStreamerOptions, 'source'>> = {
  A: { statisticalAnalysis: true, spltAnalysis: 10, nDissections: 0, decodeTunnels: true, accountingMode: 0 },
  B: { statisticalAnalysis: true, spltAnalysis: 3, nDissections: 0, decodeTunnels: false, accountingMode: 1, idleTimeout: 1, activeTimeout: 5 },
  C: { statisticalAnalysis: true, nDissections: 0, decodeTunnels: true, accountingMode: 2, idleTimeout: 10, activeTimeout: 60 },
  D: { statisticalAnalysis: true, nDissections: 0, decodeTunnels: true, accountingMode: 3, idleTimeout: 0 },
};

function csvOf(source: string, options: Omit<NFStreamerOptions, 'source'>): Promise<string> {
  return csvText(new NFStreamer({ source, ...options }));
}

function firstDifference(a: string, b: string): string {
  const al = a.split('\n');
  const bl = b.split('\n');
  for (let i = 0; i < Math.max(al.length, bl.length); i++) {
    if (al[i] !== bl[i]) return `line ${i + 1}:\n  ours:   ${al[i]}\n  golden: ${bl[i]}`;
  }
  return 'identical';
}

const root = goldenRoot();
const synthetic = ['chdlc', 'dltipv4', 'dltipv6', 'eth_edge', 'ns_be', 'null_le', 'ppp_ff03', 'ppp_noaddr', 'pppserial', 'radiotap', 'raw', 'sll'].map(
  (n) => ({ name: `${n}.pcap`, path: join(root, 'synthetic_pcaps', `${n}.pcap`), kind: 'synthetic' }),
);
const corpus = corpusCaptures().map((name) => ({ name, path: join(PCAPS, name), kind: 'corpus' }));

describe.each(Object.keys(CONFIGS))('golden CSV, configuration %s', (cfg) => {
  it.each([...synthetic, ...corpus])('$kind/$name', async ({ name, path, kind }) => {
    const golden = readFileSync(join(root, 'golden', cfg, kind, `${name}.out`), 'utf8');
    const ours = await csvOf(path, CONFIGS[cfg]!);
    if (ours !== golden) expect.fail(`${cfg} ${kind}/${name} differs at ${firstDifference(ours, golden)}`);
  });
});

const ndpiAvailable = !(loadNdpi() instanceof Error);
if (!ndpiAvailable && process.env.CI === 'true') throw new Error('nDPI (libndpi4.2) must be installed in CI');

describe('golden CSV, configuration E (all but the nDPI columns)', () => {
  const ndpi = new Set([
    'application_name', 'application_category_name', 'application_is_guessed', 'application_confidence',
    'requested_server_name', 'client_fingerprint', 'server_fingerprint', 'user_agent', 'content_type',
  ]);
  it.each([...synthetic, ...corpus])('$kind/$name', async ({ name, path, kind }) => {
    const golden = readFileSync(join(root, 'golden', 'E', kind, `${name}.out`), 'utf8');
    // with nDPI the nine columns are ours (nDPI 4.2, see the agreement report) and are stripped
    // from both sides; without it they are absent from ours
    const ours = await csvOf(path, { statisticalAnalysis: true, spltAnalysis: 10, nDissections: ndpiAvailable ? 20 : 0 });
    const strip = (text: string) => {
      const lines = text.split('\n');
      const header = lines[0]!.split(',');
      const keep = header.map((h) => !ndpi.has(h));
      // nDPI values are quoted strings or ints without commas, except list/strings we do not strip here
      return lines.map((l) => (l === '' ? l : splitCsv(l).filter((_, i) => keep[i] ?? true).join(','))).join('\n');
    };
    const g = strip(golden);
    const o = ndpiAvailable ? strip(ours) : ours;
    if (o !== g) expect.fail(`E ${kind}/${name} differs at ${firstDifference(o, g)}`);
  });
});

/** Splits an NFStream CSV line (quotes with \" escapes, commas inside quotes). */
function splitCsv(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quoted) {
      if (ch === '\\' && line[i + 1] === '"') {
        cur += '\\"';
        i++;
      } else if (ch === '"') {
        quoted = false;
        cur += ch;
      } else cur += ch;
    } else if (ch === '"') {
      quoted = true;
      cur += ch;
    } else if (ch === ',') {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out;
}

it('the golden tarball holds every dev capture', () => {
  for (const { name } of corpus) expect(existsSync(join(root, 'golden', 'A', 'corpus', `${name}.out`))).toBe(true);
});
