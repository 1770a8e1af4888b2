import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { NFStreamer, type FlowSnapshot } from '../../src/index.js';
import { liveSkipReason, runNode, sleep, startTcpdump, stopTcpdump, udpReceiver } from './live-support.js';

const skip = liveSkipReason(true);
const title = (name: string) => (skip === null ? name : `${name} (skipped: ${skip})`);

/** Two UDP conversations to `port` for `ms`, a datagram every 40 ms each, from another process. */
function traffic(port: number, ms: number): string {
  return `
    const dgram = require('dgram');
    const a = dgram.createSocket('udp4'), b = dgram.createSocket('udp4');
    const end = Date.now() + ${ms};
    const tick = () => {
      if (Date.now() >= end) { a.close(); b.close(); return; }
      a.send(Buffer.alloc(100, 0x61), ${port}, '127.0.0.1');
      b.send(Buffer.alloc(300, 0x62), ${port}, '127.0.0.1');
      setTimeout(tick, 40);
    };
    tick();`;
}

const row = (s: FlowSnapshot) => JSON.stringify(s);

describe.skipIf(skip !== null)(title('flow snapshots of a live capture'), () => {
  // two meters: each flow's snapshots come from its meter, both meters' clocks move on the wall clock
  it.each([1, 2])('equal the snapshots of the same traffic read from tcpdump\'s file; a wall-clock snapshot comes while no packet arrives (%i meters)', async (nMeters) => {
    const rx = await udpReceiver();
    const port = rx.address().port;
    const dir = mkdtempSync(join(tmpdir(), 'fs-live-snap-'));
    const file = join(dir, 'tcpdump.pcap');
    const filter = `udp dst port ${port}`;
    const dump = await startTcpdump(file, filter);
    const options = { bpfFilter: filter, nDissections: 0, statisticalAnalysis: true, snapshotInterval: 1 };
    const streamer = new NFStreamer({ source: 'lo', ...options, nMeters });
    const live: FlowSnapshot[] = [];
    try {
      const run = (async () => {
        for await (const s of streamer.snapshots()) live.push(s);
      })();
      await sleep(300);
      await runNode(traffic(port, 3500));
      // no packet for 2.5 s: the wall clock passes the next boundary and takes the last snapshot
      await sleep(2500);
      const beforeStop = live.length;
      streamer.stop();
      await run;
      await sleep(200);
      await stopTcpdump(dump);

      const offline: FlowSnapshot[] = [];
      for await (const s of new NFStreamer({ source: file, ...options, bpfFilter: null }).snapshots()) offline.push(s);
      expect(offline.length).toBeGreaterThanOrEqual(4);
      const flows = [...new NFStreamer({ source: file, ...options, bpfFilter: null })];
      expect(flows).toHaveLength(2);
      const lastPacket = Math.max(...flows.map((f) => f.bidirectional_last_seen_ms));
      // the offline run ends with the capture; the live run saw its clock go on while idle
      const upToTraffic = live.filter((s) => s.snapshot_time_ms <= lastPacket);
      // one meter keeps the offline order; two interleave their meters' rows
      const order = (rows: string[]) => (nMeters === 1 ? rows : rows.sort());
      expect(order(upToTraffic.map(row))).toEqual(order(offline.map(row)));
      expect(streamer.summary!.meters).toBe(nMeters);
      const afterTraffic = live.filter((s) => s.snapshot_time_ms > lastPacket);
      expect(afterTraffic.length, 'snapshots taken on the wall clock after the traffic stopped').toBe(2);
      expect(beforeStop).toBe(live.length);
      for (const s of afterTraffic) expect(s.snapshot_time_ms - lastPacket).toBeLessThanOrEqual(1000);
    } finally {
      dump.kill('SIGKILL');
      rx.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
