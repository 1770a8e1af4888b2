import { describe, expect, it } from 'vitest';
import { closingLine } from '../src/cli/closing-line.js';
import type { StreamerSummary } from '../src/nfstreamer.js';

const summary = (packets: Partial<StreamerSummary['packets']>, flows: number) =>
  ({ flows, packets: { read: 0, processed: 0, ignored: 0, ignoredByReason: {}, filtered: 0, ...packets } }) as unknown as StreamerSummary;

describe('the closing line', () => {
  it('gives the counts of the summary', () => {
    expect(closingLine(summary({ read: 3284, processed: 3069, ignored: 215 }, 294), 0.4213)).toBe('294 flows from 3284 packets (3069 processed, 215 ignored) in 0.42 s');
    expect(closingLine(summary({ read: 1, processed: 0, ignored: 0, filtered: 1 }, 1), 1)).toBe('1 flow from 1 packet (0 processed, 0 ignored, 1 filtered) in 1.00 s');
  });

  it("says how many packets a live capture dropped before reading them", () => {
    const droppedByReason = { kernel: 53000, interface: 0, ring_full: 580 };
    expect(closingLine(summary({ read: 700110, processed: 580867, ignored: 119243, dropped: 53580, droppedByReason }, 53302), 2)).toBe(
      '53302 flows from 700110 packets (580867 processed, 119243 ignored) in 2.00 s; 53580 packets dropped before reading (kernel 53000, ring_full 580)',
    );
    expect(closingLine(summary({ read: 5, processed: 5, dropped: 0 }, 1), 2)).toBe('1 flow from 5 packets (5 processed, 0 ignored) in 2.00 s');
  });
});
