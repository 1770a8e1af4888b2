import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { CovertMarkWindows } from '@flowstream/plugins/covertmark';
import { NFStreamer, windowRows } from '@flowstream/streamer';
import { PCAPS } from './support/run-cli.js';

/**
 * The JS heap and the memory outside it (ArrayBuffers: a copied payload lives there), after a full
 * collection: without one, the reading holds whatever garbage the last round left.
 */
async function memoryAfterCollection(): Promise<number> {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  gc();
  // freed ArrayBuffers are released by a background sweep after the collection: let it finish
  await new Promise((r) => setTimeout(r, 50));
  gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.external;
}

// The CovertMark plugin reduces each packet to numbers as it passes: no payload bytes may be kept.
// Metering a capture many times over with the plugin must not grow memory by anything near the
// payload bytes it saw.
describe('CovertMarkWindows keeps no payload bytes', () => {
  it('memory growth stays far below the payload volume seen', async () => {
    const sources = ['1kxun.pcap', 'tls_verylong_certificate.pcap', 'facebook.pcap', 'KakaoTalk_chat.pcap'].map((n) => join(PCAPS, n));
    const perRound = [...new NFStreamer({ source: sources, nDissections: 0, accountingMode: 3 })].reduce((a, f) => a + f.bidirectional_bytes, 0);
    expect(perRound).toBeGreaterThan(256 << 10);
    const plugin = new CovertMarkWindows({ windowSize: 10 });
    let rows = 0;
    const round = async () => {
      const streamer = new NFStreamer({ source: sources, udps: [plugin], nDissections: 0, accountingMode: 3 });
      for await (const row of windowRows(streamer, plugin)) rows += row.window_index >= 0 ? 1 : 0;
    };
    // the first round compiles code and fills one-time caches: growth is counted from after it
    await round();
    const before = await memoryAfterCollection();
    // the plugin is kept alive across rounds: anything it retained would accumulate
    for (let payload = 0; payload < 100 << 20; payload += perRound) await round();
    const growth = await memoryAfterCollection() - before;
    expect(rows).toBeGreaterThan(0);
    // ≥ 100 MiB of TCP/UDP payload went through the plugin; retaining it would grow the memory by as much
    expect(growth).toBeLessThan(10 << 20);
  });
});
