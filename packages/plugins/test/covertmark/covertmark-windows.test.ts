import { join, dirname, resolve } from 'node:path';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { NFlow, PluginPacket } from '@flowstream/core';
import {
  CovertMarkWindows,
  covertMarkPacketFromIp,
  getWindowStats,
  SGD_FEATURE_SELECTION,
  windowPacketsFixedSize,
  windowRowsSchema,
  type CovertMarkPacket,
  type WindowRow,
} from '@flowstream/plugins/covertmark';
import { buildTcpPacket, rng } from './packet-builder.js';
import { readPcapIpFrames, type PcapIpFrame } from './pcap-fixture.js';

interface Frame {
  ip: Uint8Array;
  tsSec: number;
  tsNsec: number;
  fromClient: boolean;
}

/** Drives the plugin like a meter: one reused PluginPacket over a reused buffer. */
function runFlow(plugin: CovertMarkWindows, frames: Frame[], client: string, server: string, protocol = 6): NFlow {
  const flow = new NFlow();
  flow.src_ip = client;
  flow.dst_ip = server;
  flow.protocol = protocol;
  const pkt = new PluginPacket();
  const buffer = new Uint8Array(70000);
  frames.forEach((f, i) => {
    buffer.fill(0xee);
    buffer.set(f.ip, 14);
    pkt._data = buffer;
    pkt._ipOffset = 14;
    pkt._ipLength = f.ip.length;
    pkt.src_ip = f.fromClient ? client : server;
    pkt.dst_ip = f.fromClient ? server : client;
    pkt.direction = f.fromClient ? 0 : 1;
    pkt.ts_sec = f.tsSec;
    pkt.ts_nsec = f.tsNsec;
    pkt.time = f.tsSec * 1000 + Math.floor(f.tsNsec / 1e6);
    if (i === 0) plugin.onInit(pkt, flow);
    else plugin.onUpdate(pkt, flow);
    buffer.fill(0x5a); // the view dies after the callback: the plugin must not have kept it
  });
  plugin.onExpire(flow);
  return flow;
}

/** What the plugin must produce: CovertMark's functions on the same packets, windowed by hand. */
function expectedRows(frames: Frame[], client: string, windowSize: number, selection: readonly string[] | null, partial: boolean): Record<string, number>[] {
  const records = frames.map((f) => covertMarkPacketFromIp(f.ip, f.tsSec, f.tsNsec, f.ip.length)!);
  const windows = windowPacketsFixedSize(records, windowSize);
  const rest = records.length % windowSize;
  if (partial && rest > 0) windows.push(records.slice(records.length - rest));
  return windows.map((w: CovertMarkPacket[], i) => ({
    flow_id: -1,
    window_index: i,
    first_packet_time: w[0]!.time,
    last_packet_time: w[w.length - 1]!.time,
    ...getWindowStats(w, [client], selection).stats,
  }));
}

function syntheticFlow(seed: number, n: number, client: string, server: string): Frame[] {
  const r = rng(seed);
  let cSeq = Math.floor(r() * 2 ** 32);
  let sSeq = Math.floor(r() * 2 ** 32);
  let sec = 1_600_000_000;
  let nsec = 0;
  const frames: Frame[] = [];
  for (let i = 0; i < n; i++) {
    const fromClient = r() < 0.5;
    const roll = r();
    const len = roll < 0.3 ? 0 : roll < 0.9 ? Math.floor(r() * 1500) : 1500 + Math.floor(r() * 3000);
    const payload = new Uint8Array(len);
    for (let j = 0; j < len; j++) payload[j] = r() < 0.5 ? 0x41 : Math.floor(r() * 256);
    const flags = len === 0 ? 0x10 : r() < 0.1 ? 0x08 : r() < 0.8 ? 0x18 : 0x10;
    const retransmit = r() < 0.05;
    const seq = fromClient ? cSeq : sSeq;
    frames.push({
      ip: buildTcpPacket({ src: fromClient ? client : server, dst: fromClient ? server : client, seq, flags, payload, padding: len < 6 ? 6 : 0 }),
      tsSec: sec,
      tsNsec: nsec,
      fromClient,
    });
    if (!retransmit) {
      if (fromClient) cSeq = (cSeq + len) >>> 0;
      else sSeq = (sSeq + len) >>> 0;
    }
    nsec += Math.floor(r() * (r() < 0.1 ? 2e9 : 3e7)) + 1;
    sec += Math.floor(nsec / 1e9);
    nsec %= 1e9;
  }
  return frames;
}

const sameRows = (actual: WindowRow[], expected: Record<string, number>[]): void => {
  expect(actual.length).toBe(expected.length);
  actual.forEach((row, i) => {
    expect(Object.keys(row)).toEqual(Object.keys(expected[i]!));
    expect(row).toEqual(expected[i]);
  });
};

describe('CovertMarkWindows', () => {
  it.each([
    ['IPv4, SGD features, 50-packet windows', 1, 237, '10.0.0.5', '93.184.216.34', undefined, SGD_FEATURE_SELECTION, false],
    ['IPv4, all features, 10-packet windows', 2, 95, '10.0.0.5', '93.184.216.34', 10, null, false],
    ['IPv6, all features, partial last window', 3, 77, '2001:db8::5', '2606:4700::6810:85e5', 20, null, true],
    ['same address both ends', 4, 60, '127.0.0.1', '127.0.0.1', 25, ['psh', 'tcp_len', 'interval'], false],
  ] as const)('%s: rows equal get_window_stats on the hand-windowed packets', (_n, seed, count, client, server, windowSize, selection, partial) => {
    const frames = syntheticFlow(seed, count, client, server);
    const got: WindowRow[][] = [];
    const plugin = new CovertMarkWindows({
      ...(windowSize === undefined ? {} : { windowSize }),
      featureSelection: selection,
      emitPartialWindow: partial,
      onWindows: (_flow, rows) => got.push(rows),
    });
    const flow = runFlow(plugin, frames, client, server);
    expect(got).toHaveLength(1);
    const ws = windowSize ?? 50;
    const want = expectedRows(frames, client, ws, selection, partial);
    expect(want.length).toBeGreaterThan(0);
    sameRows(got[0]!, want);
    expect(flow.udps['covertmark_windows']).toBe(want.length);
    expect(Object.keys(got[0]![0]!)).toEqual(windowRowsSchema(selection).map((c) => c.name));
  });

  it('keeps rows until takeWindows, which stamps the flow id once', () => {
    const frames = syntheticFlow(9, 120, '10.0.0.5', '93.184.216.34');
    const plugin = new CovertMarkWindows();
    const flow = runFlow(plugin, frames, '10.0.0.5', '93.184.216.34');
    flow.id = 42; // assigned by the streamer at emission
    const rows = plugin.takeWindows(flow);
    expect(rows).toHaveLength(2);
    expect(rows.map((r) => [r.flow_id, r.window_index])).toEqual([
      [42, 0],
      [42, 1],
    ]);
    expect(plugin.takeWindows(flow)).toEqual([]);
  });

  it('skips flows of other protocols and validates options', () => {
    const plugin = new CovertMarkWindows();
    const flow = runFlow(plugin, syntheticFlow(5, 60, '10.0.0.5', '10.0.0.6'), '10.0.0.5', '10.0.0.6', 17);
    expect(flow.udps['covertmark_windows']).toBeNull();
    expect(plugin.takeWindows(flow)).toEqual([]);
    expect(CovertMarkWindows.fields.map((f) => f.name)).toEqual(['covertmark_windows']);
    expect(() => new CovertMarkWindows({ windowSize: 0 })).toThrow(RangeError);
    expect(() => new CovertMarkWindows({ windowSize: 2.5 })).toThrow(RangeError);
  });

  const pcap = join(resolve(dirname(fileURLToPath(import.meta.url)), '../../../..'), '../shared/corpus/nfstream/pcaps/443-curl.pcap');
  it.runIf(existsSync(pcap))('on a real TCP connection (443-curl.pcap) equals the functions on its packets', () => {
    const all = readPcapIpFrames(pcap);
    const records = all.map((f) => ({ f, r: covertMarkPacketFromIp(f.ip, f.tsSec, f.tsNsec, f.wireLength) }));
    const syn = records.find(({ r }) => r?.tcp && (r.tcp.flags & 0x12) === 0x02)!;
    const client = syn.r!.src;
    const server = syn.r!.dst;
    const conn: PcapIpFrame[] = records
      .filter(({ r }) => r?.tcp && ((r.src === client && r.dst === server) || (r.src === server && r.dst === client)))
      .map(({ f }) => f);
    const frames: Frame[] = conn.map((f) => ({ ...f, fromClient: covertMarkPacketFromIp(f.ip, 0, 0, 0)!.src === client }));
    expect(frames.length).toBeGreaterThan(50);
    const got: WindowRow[][] = [];
    runFlow(new CovertMarkWindows({ windowSize: 20, featureSelection: null, onWindows: (_f, rows) => got.push(rows) }), frames, client, server);
    sameRows(got[0]!, expectedRows(frames, client, 20, null, false));
  });
});
