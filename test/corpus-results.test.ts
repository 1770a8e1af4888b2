import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { NFStreamer } from '@flowstream/streamer';
import { CORPUS, PCAPS, RESULTS, corpusCaptures } from './support/paths.js';

// NFStream's own per-flow results for every dev capture (corpus README): id, packets and bytes
// depend only on spec §1–§6 and must match row by row; packet accounting must add up.

const capinfos = new Map<string, number>();
for (const line of readFileSync(join(CORPUS, 'capinfos.tsv'), 'utf8').trim().split('\n').slice(1)) {
  const cols = line.split('\t');
  capinfos.set(cols[0]!, Number(cols[6]));
}

function results(name: string): number[][] | null {
  let text: string;
  try {
    text = readFileSync(join(RESULTS, name), 'utf8');
  } catch {
    return null; // memcached.cap has no result (upstream only picks .pcap/.pcapng names)
  }
  return text
    .trim()
    .split('\n')
    .slice(1)
    .map((l) => l.split(',').slice(0, 3).map(Number));
}

describe('dev corpus against NFStream results', () => {
  it.each(corpusCaptures())('%s', (name) => {
    const streamer = new NFStreamer({ source: join(PCAPS, name), nDissections: 0 });
    const ours: number[][] = [];
    for (const f of streamer) ours.push([f.id, f.bidirectional_packets, f.bidirectional_bytes]);
    const summary = streamer.summary!;
    expect(summary.packets.read).toBe(capinfos.get(name));
    expect(summary.packets.read).toBe(summary.packets.processed + summary.packets.ignored + summary.packets.filtered);
    expect(summary.packets.processed).toBe(ours.reduce((s, r) => s + r[1]!, 0));
    expect(summary.flows).toBe(ours.length);
    expect(summary.sources[0]!.error).toBeNull();
    const expected = results(name);
    if (expected !== null) expect(ours).toEqual(expected);
  });
});
