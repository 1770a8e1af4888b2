import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CaptureError } from '@flowstream/core';
import { NFStreamer } from '@flowstream/streamer';
import { PCAPS } from './support/paths.js';

// Captures are hostile input: whatever the bytes, a run ends normally or with a CaptureError that
// names the file, after delivering its flows; never another exception, never a hang.
const captures = ['dhcp.pcapng', 'gtp-u.pcap', 'KakaoTalk_chat.pcap', 'z3950.pcapng', 'rx.pcap', 'nats.pcap', 'dlt_ppp.pcap', 'alexa-app.pcapng'];
const dir = mkdtempSync(join(tmpdir(), 'fs-hostile-'));

function run(bytes: Uint8Array, options: Record<string, unknown>): void {
  const path = join(dir, 'x.pcap');
  writeFileSync(path, bytes);
  const s = new NFStreamer({ source: path, nDissections: 0, ...options });
  let packets = 0;
  try {
    for (const f of s) packets += f.bidirectional_packets;
  } catch (err) {
    expect(err).toBeInstanceOf(CaptureError);
    expect((err as Error).message).toContain(path);
  }
  const summary = s.summary!;
  expect(summary.packets.processed).toBe(packets);
  expect(summary.packets.read).toBe(summary.packets.processed + summary.packets.ignored + summary.packets.filtered);
}

describe('hostile captures through the whole pipeline', () => {
  it('flipped bytes, truncation and garbage never crash the meter', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...captures),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 40 }),
        fc.option(fc.nat()),
        fc.record({ statisticalAnalysis: fc.boolean(), spltAnalysis: fc.constantFrom(0, 3), decodeTunnels: fc.boolean(), idleTimeout: fc.constantFrom(0, 1, 120) }),
        (name, flips, cut, options) => {
          const bytes = Uint8Array.from(readFileSync(join(PCAPS, name)));
          for (const [at, value] of flips) bytes[at % bytes.length] = value;
          const end = cut === null ? bytes.length : cut % (bytes.length + 1);
          run(bytes.subarray(0, end), options);
        },
      ),
      { numRuns: 150 },
    );
  });
});
