import { describe, expect, it } from 'vitest';
import { NFStreamer } from '../../src/index.js';
import { liveSkipReason, runNode, sleep, udpReceiver } from './live-support.js';

const skip = liveSkipReason();
/** Soak length in seconds: short in the suite, `FLOWSTREAM_SOAK_SECONDS=120` for a real soak. */
const SECONDS = Number(process.env.FLOWSTREAM_SOAK_SECONDS ?? 10);

/**
 * For `seconds`, opens a new UDP socket every 5 ms (a new source port: a new flow) and sends it 3
 * datagrams to 127.0.0.1:port, then closes it. Prints how many datagrams were sent.
 */
function churn(port: number, seconds: number): string {
  return `
    const dgram = require('dgram');
    const end = Date.now() + ${seconds * 1000};
    let sent = 0, pending = 0, stopped = false;
    const finish = () => { if (stopped && pending === 0) process.stdout.write(String(sent)); };
    const flow = () => {
      if (Date.now() >= end) { stopped = true; return finish(); }
      const s = dgram.createSocket('udp4');
      let left = 3;
      pending++;
      const one = () => s.send(Buffer.alloc(64), ${port}, '127.0.0.1', (e) => {
        if (!e) sent++;
        if (--left > 0) return one();
        s.close();
        pending--;
        finish();
      });
      one();
      setTimeout(flow, 5);
    };
    flow();`;
}

describe.skipIf(skip !== null)(`live soak on loopback, ${SECONDS} s${skip === null ? '' : ` (skipped: ${skip})`}`, () => {
  it('keeps RSS flat and accounts for every packet sent while flows are constantly created and expired', async () => {
    const rx = await udpReceiver();
    const port = rx.address().port;
    const streamer = new NFStreamer({ source: 'lo', bpfFilter: `udp dst port ${port}`, idleTimeout: 1, nDissections: 0, statisticalAnalysis: true });
    const rss: number[] = [];
    const sampler = setInterval(() => rss.push(process.memoryUsage().rss), 250);
    let flows = 0;
    let packets = 0;
    let expiredIdle = 0;
    try {
      const run = (async () => {
        for await (const batch of streamer.flowBatches()) {
          flows += batch.length;
          for (const f of batch) {
            packets += f.bidirectional_packets;
            if (f.expiration_id === 0) expiredIdle++;
          }
        }
      })();
      await sleep(300);
      const sent = Number(await runNode(churn(port, SECONDS)));
      await sleep(500);
      streamer.stop();
      await run;
      clearInterval(sampler);

      const s = streamer.summary!;
      expect(sent).toBeGreaterThan(SECONDS * 100);
      expect(s.packets.dropped).toBe(0);
      // sent == counted: processed + ignored + dropped (the kernel filter passes nothing else)
      expect(s.packets.processed + s.packets.ignored + s.packets.dropped!).toBe(sent);
      expect(s.packets.read).toBe(sent);
      expect(packets).toBe(s.packets.processed);
      expect(flows).toBe(s.flows);
      expect(expiredIdle).toBe(flows);
      // RSS flat: the second half of the run holds no more than the first half after warm-up
      const warm = rss.slice(Math.floor(rss.length / 4));
      const half = Math.floor(warm.length / 2);
      const first = Math.max(...warm.slice(0, half));
      const second = Math.max(...warm.slice(half));
      const mb = (n: number) => (n / 2 ** 20).toFixed(1);
      console.log(`soak ${SECONDS} s: ${sent} packets, ${flows} flows, RSS max ${mb(first)} MB → ${mb(second)} MB`);
      expect(second - first).toBeLessThan(24 * 2 ** 20);
    } finally {
      clearInterval(sampler);
      rx.close();
    }
  }, (SECONDS + 60) * 1000);
});
