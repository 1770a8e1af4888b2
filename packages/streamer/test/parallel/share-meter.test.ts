import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveMeteringOptions, type NFlow } from '@flowstream/core';
import { NFStreamer } from '../../src/nfstreamer.js';
import { meterShare } from '../../src/parallel/share-meter.js';
import { PCAPS } from '../support/run-cli.js';

const FILES = readdirSync(PCAPS)
  .filter((f) => /\.(pcap|pcapng|cap)$/.test(f))
  .sort()
  .map((f) => join(PCAPS, f));

/** Flow records without `id`, sorted: the multiset of flows. */
function multiset(flows: Iterable<NFlow>): string[] {
  return Array.from(flows, (f) => JSON.stringify({ ...f.toJSON(), id: undefined })).sort();
}

// The benchmark's perfect split (scripts/bench-split.mjs) claims to do one share of a parallel
// run's work: every share reads the whole capture and keeps the shared clock, so the shares'
// flows together must be the single meter's flows, each flow in exactly one share.
describe('meterShare: the shares of a capture together give the single meter’s flows', () => {
  const groups: string[][] = [];
  for (let i = 0; i < FILES.length; i += 24) groups.push(FILES.slice(i, i + 24));
  const cases: [string, Record<string, unknown>][] = [
    ['default options', {}],
    ['idle 1 s, active 5 s, statistics', { idleTimeout: 1, activeTimeout: 5, statisticalAnalysis: true }],
  ];
  for (const [label, options] of cases) {
    for (const shares of [2, 3]) {
      it(`${label}, ${shares} shares, every corpus capture in ${groups.length} multi-file runs`, () => {
        const resolved = resolveMeteringOptions({ nDissections: 0, ...options });
        let total = 0;
        for (const group of groups) {
          const single = multiset(new NFStreamer({ source: group, nDissections: 0, ...options }));
          const split: NFlow[] = [];
          const counts: number[] = [];
          for (let share = 0; share < shares; share++) {
            const before = split.length;
            meterShare(group, share, shares, resolved, null, (batch) => {
              for (const f of batch) split.push(f);
            });
            counts.push(split.length - before);
          }
          expect(multiset(split)).toEqual(single);
          // every share meters some of the flows
          for (const n of counts) expect(n).toBeGreaterThan(0);
          total += single.length;
        }
        expect(total).toBeGreaterThan(1000);
      }, 300_000);
    }
  }
});

