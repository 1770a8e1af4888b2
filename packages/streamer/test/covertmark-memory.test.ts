import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CovertMarkWindows } from '@flowstream/plugins/covertmark';
import { NFStreamer, windowRows } from '@flowstream/streamer';
import { PCAPS } from './support/run-cli.js';

// The CovertMark plugin reduces each packet to numbers as it passes: no payload bytes may be kept.
// Metering a capture many times over with the plugin must not grow the heap by anything near the
// payload bytes it saw.
describe('CovertMarkWindows keeps no payload bytes', () => {
  it('heap growth stays far below the payload volume seen', async () => {
    const gc = (globalThis as { gc?: () => void }).gc;
    const heap = () => {
      gc?.();
      return process.memoryUsage().heapUsed;
    };
    const sources = ['1kxun.pcap', 'tls_verylong_certificate.pcap', 'facebook.pcap', 'KakaoTalk_chat.pcap'].map((n) => join(PCAPS, n));
    const plugin = new CovertMarkWindows({ windowSize: 10 });
    let payload = 0;
    let rows = 0;
    const before = heap();
    // the plugin and its rows are kept alive across rounds: anything it retained would accumulate
    while (payload < 100 << 20) {
      const streamer = new NFStreamer({ source: sources, udps: [plugin], nDissections: 0, accountingMode: 3 });
      for await (const row of windowRows(streamer, plugin)) rows += row.window_index >= 0 ? 1 : 0;
      payload += streamer.summary!.packets.processed > 0 ? [...new NFStreamer({ source: sources, nDissections: 0, accountingMode: 3 })].reduce((a, f) => a + f.bidirectional_bytes, 0) : 0;
    }
    const growth = heap() - before;
    expect(rows).toBeGreaterThan(0);
    // ≥ 100 MiB of TCP/UDP payload went through the plugin; retaining it would grow the heap by as much
    expect(growth).toBeLessThan(10 << 20);
  });
});
