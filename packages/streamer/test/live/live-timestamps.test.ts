import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CaptureRecord, NFPlugin, ReadStatus, openCapture, type NFlow } from '@flowstream/core';
import { NFStreamer } from '../../src/index.js';
import { liveSkipReason, runNode, sleep, startTcpdump, stopTcpdump, udpReceiver } from './live-support.js';

const skip = liveSkipReason(true);
const title = (name: string) => (skip === null ? name : `${name} (skipped: ${skip})`);

/** Blocks the metering thread for `ms` per packet of every flow: a meter far slower than the traffic. */
class SlowPlugin extends NFPlugin {
  private readonly cell = new Int32Array(new SharedArrayBuffer(4));
  override onInit(): void {
    Atomics.wait(this.cell, 0, 0, 50);
  }
  override onUpdate(): void {
    Atomics.wait(this.cell, 0, 0, 50);
  }
}

/** Sends `count` datagrams to 127.0.0.1:port, one every `spacingMs`, from another process. */
function paced(port: number, count: number, spacingMs: number): string {
  return `
    const s = require('dgram').createSocket('udp4');
    const start = Date.now() + 50;
    let i = 0;
    const next = () => {
      s.send(Buffer.alloc(32, 0x61), ${port}, '127.0.0.1', () => {
        if (++i === ${count}) return s.close();
        setTimeout(next, Math.max(0, start + i * ${spacingMs} - Date.now()));
      });
    };
    setTimeout(next, 50);`;
}

/** Sends `count` datagrams as fast as the socket takes them; prints how many were sent. */
function burst(port: number, count: number): string {
  return `
    const s = require('dgram').createSocket('udp4');
    const b = Buffer.alloc(200);
    let sent = 0, done = 0, i = 0;
    const go = () => {
      for (let k = 0; k < 500 && i < ${count}; k++, i++) s.send(b, ${port}, '127.0.0.1', (e) => {
        if (!e) sent++;
        if (++done === ${count}) { process.stdout.write(String(sent)); s.close(); }
      });
      if (i < ${count}) setImmediate(go);
    };
    go();`;
}

/** Drains a streamer run in the background. */
function collect(streamer: NFStreamer): { flows: NFlow[]; done: Promise<void> } {
  const flows: NFlow[] = [];
  const done = (async () => {
    for await (const f of streamer) flows.push(f);
  })();
  return { flows, done };
}

describe.skipIf(skip !== null)(title('live capture keeps kernel timestamps'), () => {
  it('SPLT inter-arrival times equal tcpdump\'s while a plugin blocks the meter 50 ms per packet', async () => {
    const rx = await udpReceiver();
    const port = rx.address().port;
    const dir = mkdtempSync(join(tmpdir(), 'fs-live-ts-'));
    const file = join(dir, 'tcpdump.pcap');
    const filter = `udp dst port ${port}`;
    const dump = await startTcpdump(file, filter);
    const streamer = new NFStreamer({ source: 'lo', bpfFilter: filter, spltAnalysis: 40, nDissections: 0, udps: [new SlowPlugin()] });
    try {
      const run = collect(streamer);
      await sleep(300); // the capture is active once the run took its first step
      await runNode(paced(port, 40, 20));
      // the meter needs ~40 × 50 ms; wait until it has read everything, then stop and flush
      const deadline = Date.now() + 15_000;
      while ((streamer.runStats?.packetsRead ?? 0) < 40 && Date.now() < deadline) await sleep(50);
      streamer.stop();
      await run.done;
      await sleep(200);
      await stopTcpdump(dump);

      const times: number[] = [];
      const reader = openCapture(file);
      const record = new CaptureRecord();
      while (reader.next(record) === ReadStatus.Record) times.push(record.timeMs);
      reader.close();
      expect(times).toHaveLength(40);
      const expected = times.map((t, i) => (i === 0 ? 0 : t - times[i - 1]!));

      expect(run.flows).toHaveLength(1);
      const flow = run.flows[0]!;
      expect(flow.bidirectional_packets).toBe(40);
      const piat = flow.splt_piat_ms;
      for (let i = 0; i < 40; i++) expect(Math.abs(piat[i]! - expected[i]!), `packet ${i}: ${piat[i]} vs ${expected[i]}`).toBeLessThanOrEqual(1);
      // the traffic's pace (20 ms), not the meter's (50 ms)
      const mean = piat.slice(1).reduce((a, b) => a + b, 0) / 39;
      expect(mean).toBeLessThan(35);
      expect(flow.bidirectional_duration_ms).toBe(times[39]! - times[0]!);
      const summary = streamer.summary!;
      expect(summary.packets.read).toBe(40);
      expect(summary.packets.dropped).toBe(0);
      expect(summary.sources[0]!.dropped).toEqual({ kernel: 0, interface: 0, ringFull: 0 });
    } finally {
      dump.kill('SIGKILL');
      rx.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it('kernel drops (pcap_stats) reach the summary: a tiny buffer and a burst', async () => {
    const rx = await udpReceiver();
    const port = rx.address().port;
    const streamer = new NFStreamer({ source: 'lo', bpfFilter: `udp dst port ${port}`, socketBufferSize: 4096, nDissections: 0 });
    try {
      const run = collect(streamer);
      await sleep(300);
      const outs = await Promise.all([runNode(burst(port, 20000)), runNode(burst(port, 20000))]);
      const sent = outs.reduce((n, o) => n + Number(o), 0);
      await sleep(500);
      streamer.stop();
      await run.done;
      const s = streamer.summary!;
      const dropped = s.sources[0]!.dropped!;
      expect(dropped.kernel).toBeGreaterThan(0);
      expect(s.packets.droppedByReason).toEqual({ kernel: dropped.kernel, interface: dropped.interface, ring_full: dropped.ringFull });
      expect(s.packets.dropped).toBe(dropped.kernel + dropped.interface + dropped.ringFull);
      // the progress line and the performance report read the same total
      expect(streamer.runStats!.packetsDropped).toBe(s.packets.dropped);
      // every datagram sent is read or counted as dropped; on loopback the kernel queues (and counts
      // the drops of) both the sent and the received copy, of which libpcap keeps one
      expect(s.packets.read).toBeLessThan(sent);
      expect(s.packets.read + s.packets.dropped!).toBeGreaterThanOrEqual(sent);
      expect(run.flows.reduce((n, f) => n + f.bidirectional_packets, 0)).toBe(s.packets.processed);
    } finally {
      rx.close();
    }
  }, 60_000);
});
