import { readFileSync } from 'node:fs';
import net from 'node:net';
import dgram from 'node:dgram';
import { describe, expect, it } from 'vitest';
import {
  PerformanceReporter,
  SystemVisibility,
  aggregatePerformance,
  createExpiryTicker,
  formatPerformanceReport,
  parseProcNet,
} from '../../src/live/index.js';
import { epochClock } from '../../src/sources/index.js';

describe('expiry ticker', () => {
  it('ticks with the live clock until stopped', async () => {
    const ticks: number[] = [];
    const ticker = createExpiryTicker(20, (now) => ticks.push(now));
    await new Promise((r) => setTimeout(r, 150));
    ticker.stop();
    const n = ticks.length;
    await new Promise((r) => setTimeout(r, 60));
    expect(ticks.length).toBe(n);
    expect(n).toBeGreaterThanOrEqual(3);
    for (let i = 1; i < n; i++) expect(ticks[i]!).toBeGreaterThanOrEqual(ticks[i - 1]! + 10);
    expect(Math.abs(ticks[n - 1]! - Date.now())).toBeLessThan(200);
    expect(Math.abs(epochClock.nowMs() - Date.now())).toBeLessThan(50);
    expect(() => createExpiryTicker(0, () => {})).toThrowError(RangeError);
  });
});

describe('performance report', () => {
  const counters = {
    flowsExpired: 7,
    meters: [
      { packetsProcessed: 10, packetsIgnored: 2, packetsDropped: 1 },
      { packetsProcessed: 5, packetsIgnored: 3, packetsDropped: 4 },
    ],
  };

  it('aggregates like NFStream (sum on Linux, max elsewhere) and prints json.dumps text', () => {
    expect(formatPerformanceReport(aggregatePerformance(counters, true))).toBe(
      '{"flows_expired": 7, "packets_processed": 15, "packets_ignored": 5, ' +
        '"packets_dropped_filtered_by_kernel": 5, "meters_packets_processing_balance": [10, 5]}',
    );
    const other = aggregatePerformance(counters, false);
    expect(other.packets_ignored).toBe(3);
    expect(other.packets_dropped_filtered_by_kernel).toBe(4);
    expect(JSON.parse(formatPerformanceReport(other))).toEqual(other);
  });

  it('reports every interval until stopped', async () => {
    const lines: string[] = [];
    const reporter = new PerformanceReporter(0.03, () => counters, { output: (l) => lines.push(l), isLinux: true });
    reporter.start();
    await new Promise((r) => setTimeout(r, 110));
    reporter.stop();
    const n = lines.length;
    await new Promise((r) => setTimeout(r, 60));
    expect(lines.length).toBe(n);
    expect(n).toBeGreaterThanOrEqual(2);
    expect(JSON.parse(lines[0]!).flows_expired).toBe(7);
  });
});

describe('system visibility: /proc/net parsing', () => {
  it('decodes little-endian words, keeps connected sockets with an inode', () => {
    const text = [
      '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode',
      '   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1111 1 0 100 0 0 10 0',
      '   1: 0100007F:1F90 0100007F:C350 01 00000000:00000000 00:00000000 00000000     0        0 2222 1 0 20 4 30 10 -1',
      '   2: 0100007F:C351 0100007F:1F90 06 00000000:00000000 03:00000000 00000000     0        0 0 3 0',
    ].join('\n');
    expect(parseProcNet(text, 6)).toEqual([
      { localIp: '127.0.0.1', localPort: 8080, remoteIp: '127.0.0.1', remotePort: 50000, protocol: 6, inode: 2222 },
    ]);
    const v6 = [
      'header',
      '   0: 00000000000000000000000001000000:0035 0000000000000000FFFF00000100007F:D431 01 0:0 0:0 0 0 0 3333 1',
    ].join('\n');
    expect(parseProcNet(v6, 17)).toEqual([
      { localIp: '::1', localPort: 53, remoteIp: '::ffff:127.0.0.1', remotePort: 54321, protocol: 17, inode: 3333 },
    ]);
  });
});

const linux = process.platform === 'linux';
describe.skipIf(!linux && process.env.CI !== 'true')('system visibility on this host', () => {
  it('finds this process as the owner of a TCP and a connected UDP socket on 127.0.0.1', async () => {
    const server = net.createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const serverPort = (server.address() as net.AddressInfo).port;
    const accepted = new Promise<net.Socket>((r) => server.once('connection', r));
    const client = net.connect(serverPort, '127.0.0.1');
    await new Promise<void>((r) => client.once('connect', r));
    const peer = await accepted;
    const udp = dgram.createSocket('udp4');
    await new Promise<void>((r) => udp.bind(0, '127.0.0.1', r));
    await new Promise<void>((r) => udp.connect(53, '127.0.0.1', r));
    try {
      let now = 1_000_000;
      const sv = new SystemVisibility({ pollMs: 50, idleTimeout: 1, now: () => now });
      await sv.pollNow();
      const clientPort = client.localPort!;
      const expectedName = expectedProcessName();
      const owner = sv.lookup('127.0.0.1', clientPort, '127.0.0.1', serverPort, 6);
      expect(owner).toEqual({ pid: process.pid, name: expectedName });
      expect(sv.lookup('127.0.0.1', serverPort, '127.0.0.1', clientPort, 6)).toEqual(owner);
      expect(sv.lookup('127.0.0.1', udp.address().port, '127.0.0.1', 53, 17)?.pid).toBe(process.pid);
      expect(sv.lookup('127.0.0.1', clientPort, '127.0.0.1', serverPort, 17)).toBeNull();
      expect(sv.lookup('127.0.0.1', clientPort, '127.0.0.1', serverPort, 1)).toBeNull();
      // Withdrawn once unseen for idle_timeout + 5 s.
      client.destroy();
      peer.destroy();
      udp.close();
      await new Promise((r) => setTimeout(r, 50));
      now += 6000;
      await sv.pollNow();
      expect(sv.lookup('127.0.0.1', clientPort, '127.0.0.1', serverPort, 6)).toBeNull();
      // start/stop polling runs without errors.
      sv.start();
      await new Promise((r) => setTimeout(r, 120));
      sv.stop();
    } finally {
      client.destroy();
      peer.destroy();
      server.close();
    }
  }, 20_000);
});

function expectedProcessName(): string {
  const comm = readFileSync(`/proc/${process.pid}/comm`, 'utf8').trim();
  if (comm.length < 15) return comm;
  const argv0 = readFileSync(`/proc/${process.pid}/cmdline`, 'utf8').split('\0')[0]!;
  const base = argv0.slice(argv0.lastIndexOf('/') + 1);
  return base.startsWith(comm) ? base : comm;
}
