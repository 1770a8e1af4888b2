import { spawnSync } from 'node:child_process';
import { createSocket, type Socket } from 'node:dgram';
import { mkdtempSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { NFStreamer, type NFStreamerOptions, type PerformanceReport } from '@flowstream/streamer';
import { PCAPS } from './support/run-cli.js';

const isRoot = process.getuid?.() === 0;
const hasTcpdump = spawnSync('tcpdump', ['--version']).status === 0;

/** Tests needing something a machine may lack: skip with the reason, but fail in CI. */
function need(ok: boolean, reason: string): boolean {
  if (ok) return true;
  if (process.env.CI === 'true') throw new Error(`required in CI: ${reason}`);
  console.warn(`skipped: ${reason}`);
  return false;
}

const flowKey = (f: { toJSON(): Record<string, unknown> }) => {
  const { id: _id, ...rest } = f.toJSON();
  return JSON.stringify(rest);
};

describe('BPF filters on files agree with tcpdump', () => {
  const cases: [string, string][] = [
    ['facebook.pcap', 'src port 52066 or dst port 52066'],
    ['skype.pcap', 'udp'],
    ['skype.pcap', 'tcp and not port 443'],
    ['gtp-u.pcap', 'udp port 2152'],
    ['KakaoTalk_chat.pcap', 'tcp'],
    ['dnp3.pcap', 'host 192.168.0.1 or net 10.0.0.0/8'],
  ];
  it.each(cases)('%s with %s', (name, expr) => {
    if (!need(hasTcpdump, 'tcpdump is not installed')) return;
    const dir = mkdtempSync(join(tmpdir(), 'fs-bpf-'));
    const filtered = join(dir, 'f.pcap');
    const r = spawnSync('tcpdump', ['-r', join(PCAPS, name), '-w', filtered, expr]);
    expect(r.status, r.stderr.toString()).toBe(0);
    const options: Omit<NFStreamerOptions, 'source'> = { nDissections: 0, statisticalAnalysis: true };
    const viaTcpdump = [...new NFStreamer({ source: filtered, ...options })].map(flowKey);
    const viaFilter = [...new NFStreamer({ source: join(PCAPS, name), bpfFilter: expr, ...options })].map(flowKey);
    expect(viaFilter).toEqual(viaTcpdump);
  });

  it('spec §13: facebook.pcap with "src port 52066 or dst port 52066" gives one flow from port 52066', () => {
    const flows = [...new NFStreamer({ source: join(PCAPS, 'facebook.pcap'), bpfFilter: 'src port 52066 or dst port 52066', nDissections: 0 })];
    expect(flows).toHaveLength(1);
    expect(flows[0]!.src_port).toBe(52066);
  });

  it('a filter that does not compile fails before reading with libpcap\'s message', () => {
    const s = new NFStreamer({ source: join(PCAPS, 'facebook.pcap'), bpfFilter: 'my filter', nDissections: 0 });
    expect(() => [...s]).toThrow(/syntax error|parse/);
    expect(s.summary!.packets.read).toBe(0);
  });

  it('filtered packets are accounted as filtered', () => {
    const s = new NFStreamer({ source: join(PCAPS, 'skype.pcap'), bpfFilter: 'tcp', nDissections: 0 });
    [...s];
    const p = s.summary!.packets;
    expect(p.filtered).toBeGreaterThan(0);
    expect(p.read).toBe(p.processed + p.ignored + p.filtered);
  });
});

describe('live capture on loopback', () => {
  async function sendUdp(port: number, count: number) {
    const sock = createSocket('udp4');
    for (let i = 0; i < count; i++) {
      await new Promise<void>((r) => sock.send(Buffer.from(`datagram ${i}`), port, '127.0.0.1', () => r()));
    }
    sock.close();
  }

  it('meters a known number of datagrams through a BPF filter and expires them when idle, without more traffic', async () => {
    if (!need(isRoot, 'live capture needs root')) return;
    const port = 30000 + (process.pid % 20000);
    const s = new NFStreamer({ source: 'lo', bpfFilter: `udp port ${port}`, idleTimeout: 1, nDissections: 0 });
    const seen: { at: number; flow: Record<string, unknown> }[] = [];
    let sentAt = 0;
    const sub = s.flows$.subscribe((f) => seen.push({ at: Date.now(), flow: f.toJSON() }));
    await new Promise((r) => setTimeout(r, 1500));
    const sender = createSocket('udp4');
    await new Promise<void>((r) => sender.bind(0, '127.0.0.1', () => r()));
    sentAt = Date.now();
    for (let i = 0; i < 20; i++) await new Promise<void>((r) => sender.send(Buffer.from(`datagram ${i}`), port, '127.0.0.1', () => r()));
    const srcPort = sender.address().port;
    sender.close();
    // no more traffic: the wall-clock tick must expire the flow about idleTimeout after its last packet
    await new Promise((r) => setTimeout(r, 3500));
    expect(seen).toHaveLength(1);
    const { at, flow } = seen[0]!;
    expect(flow).toMatchObject({ protocol: 17, src_ip: '127.0.0.1', src_port: srcPort, dst_port: port, bidirectional_packets: 20, expiration_id: 0 });
    expect(flow.bidirectional_bytes).toBe(20 * 14 + 20 * 8 + 20 * 20 + [...Array(20).keys()].reduce((a, i) => a + `datagram ${i}`.length, 0));
    expect(at - sentAt).toBeGreaterThanOrEqual(900);
    expect(at - sentAt).toBeLessThan(3000);
    s.stop();
    sub.unsubscribe();
  }, 20_000);

  it('stop() ends a live run and flushes live flows', async () => {
    if (!need(isRoot, 'live capture needs root')) return;
    const port = 31000 + (process.pid % 20000);
    const s = new NFStreamer({ source: 'lo', bpfFilter: `udp port ${port}`, nDissections: 0 });
    const flows: Record<string, unknown>[] = [];
    const done = (async () => {
      for await (const f of s) flows.push(f.toJSON());
    })();
    await new Promise((r) => setTimeout(r, 1500));
    await sendUdp(port, 3);
    await new Promise((r) => setTimeout(r, 300));
    s.stop();
    await done;
    expect(flows).toHaveLength(1); // one socket: one flow, flushed by stop()
    expect(flows[0]).toMatchObject({ bidirectional_packets: 3, dst_port: port, expiration_id: 0 });
    expect(s.summary!.packets.processed).toBe(3);
  }, 20_000);
});

describe('live capture on loopback with two meters', () => {
  const twoCores = availableParallelism() >= 2;

  /**
   * Sends `count` datagrams from each of `sockets` sockets to `port`; returns their source ports.
   * The sockets stay open until all have sent: a closed socket's port can be the next one's, and
   * two sockets on one port are one flow.
   */
  async function sendFrom(sockets: number, port: number, count: number): Promise<number[]> {
    const ports: number[] = [];
    const open: Socket[] = [];
    for (let s = 0; s < sockets; s++) {
      const sock = createSocket('udp4');
      open.push(sock);
      await new Promise<void>((r) => sock.bind(0, '127.0.0.1', () => r()));
      ports.push(sock.address().port);
      for (let i = 0; i < count; i++) await new Promise<void>((r) => sock.send(Buffer.from(`flow ${s} datagram ${i}`), port, '127.0.0.1', () => r()));
    }
    for (const sock of open) sock.close();
    return ports;
  }

  /**
   * 24 sockets send 5 datagrams each; the flows must leave the meters idle-expired by the wall
   * clock while no traffic arrives (both meters' clocks move), then the run is stopped.
   */
  async function idleFlowsOnTwoMeters(options: Partial<NFStreamerOptions>, base: number) {
    const port = base + (process.pid % 20000);
    const s = new NFStreamer({ source: 'lo', bpfFilter: `udp port ${port}`, idleTimeout: 1, nMeters: 2, ...options });
    const seen: { at: number; flow: Record<string, unknown> }[] = [];
    const done = (async () => {
      for await (const f of s) seen.push({ at: Date.now(), flow: f.toJSON() });
    })();
    await new Promise((r) => setTimeout(r, 1500));
    const sentAt = Date.now();
    const ports = await sendFrom(24, port, 5);
    await new Promise((r) => setTimeout(r, 3500));
    const beforeStop = seen.length;
    s.stop();
    await done;
    expect(beforeStop).toBe(24);
    expect(seen).toHaveLength(24);
    expect(seen.map((x) => x.flow.src_port).sort()).toEqual([...ports].sort());
    for (const { at, flow } of seen) {
      expect(flow).toMatchObject({ protocol: 17, src_ip: '127.0.0.1', dst_port: port, bidirectional_packets: 5, expiration_id: 0 });
      expect(at - sentAt).toBeLessThan(4500);
    }
    expect(new Set(seen.map((x) => x.flow.id)).size).toBe(24);
    const summary = s.summary!;
    expect(summary.meters).toBe(2);
    expect(summary.packets.processed).toBe(120);
    expect(summary.packets.read).toBe(summary.packets.processed + summary.packets.ignored + summary.packets.filtered);
    return seen;
  }

  it('statistics: every flow leaves a meter when idle, while no packet arrives, and the run counts every packet; the performance report shows both meters', async () => {
    if (!need(isRoot, 'live capture needs root') || !need(twoCores, 'two meters need two cores')) return;
    const reports: PerformanceReport[] = [];
    await idleFlowsOnTwoMeters({ nDissections: 0, statisticalAnalysis: true, performanceReport: 1, onPerformanceReport: (_line, r) => reports.push(r) }, 32000);
    const last = reports.at(-1)!;
    expect(last.meters_packets_processing_balance).toHaveLength(2);
    expect(last.packets_processed).toBe(120);
    expect(last.meters_packets_processing_balance.reduce((a, b) => a + b, 0)).toBe(120);
  }, 30_000);

  it('with nDPI (one meter and its dissection thread): the same, every flow is labelled, and the meter meters every packet', async () => {
    if (!need(isRoot, 'live capture needs root') || !need(twoCores, 'two meters need two cores')) return;
    const reports: PerformanceReport[] = [];
    const seen = await idleFlowsOnTwoMeters({ nDissections: 20, statisticalAnalysis: true, performanceReport: 1, onPerformanceReport: (_line, r) => reports.push(r) }, 33000);
    for (const { flow } of seen) {
      expect(typeof flow.application_name).toBe('string');
      expect(flow.application_category_name).not.toBe('');
      expect(flow.bidirectional_mean_ps).toBeGreaterThan(0);
    }
    // the second thread runs nDPI, not a meter: the one meter processes all 120 packets
    expect(reports.at(-1)!.meters_packets_processing_balance).toEqual([120]);
  }, 30_000);

  it('stop() meters what was captured before it and flushes every meter', async () => {
    if (!need(isRoot, 'live capture needs root') || !need(twoCores, 'two meters need two cores')) return;
    const port = 34000 + (process.pid % 20000);
    const s = new NFStreamer({ source: 'lo', bpfFilter: `udp port ${port}`, nMeters: 2, nDissections: 0, spltAnalysis: 3 });
    const flows: Record<string, unknown>[] = [];
    const done = (async () => {
      for await (const f of s) flows.push(f.toJSON());
    })();
    await new Promise((r) => setTimeout(r, 1500));
    const ports = await sendFrom(16, port, 3);
    s.stop();
    await done;
    expect(flows.map((f) => f.src_port).sort()).toEqual([...ports].sort());
    for (const f of flows) expect(f).toMatchObject({ bidirectional_packets: 3, dst_port: port, expiration_id: 0 });
    expect(s.summary!.meters).toBe(2);
    expect(s.summary!.packets.processed).toBe(48);
  }, 30_000);
});
