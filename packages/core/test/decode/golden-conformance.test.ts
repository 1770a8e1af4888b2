// Decoder vs NFStream 6.5.4 golden outputs (spec/golden, configs A–D). Flows group packets by key,
// so per canonical key the golden sums (packets, bytes in the config's accounting mode, TCP flag
// counters) and extremes (min/max packet size) must equal what our decoded packets give: this
// checks which packets are kept, their addresses/ports/vlan/tunnel (and text forms), and the four
// per-packet sizes, independently of timeouts and clock clamping.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ipv4Text, ipv6Text, macText } from '../../src/decode/address-text.js';
import { DecodedPacket } from '../../src/decode/decoded-packet.js';
import { IgnoreReason } from '../../src/decode/ignore-reason.js';
import { PacketDecoder } from '../../src/decode/packet-decoder.js';
import { CORPUS_DIR, corpusCaptures, ensureGolden, readGolden, syntheticCaptures } from './support/golden.js';
import { forEachRecord } from './support/test-capture.js';

interface Config {
  name: string;
  decodeTunnels: boolean;
  size: (p: DecodedPacket) => number;
}

const CONFIGS: Config[] = [
  { name: 'A', decodeTunnels: true, size: (p) => p.rawSize },
  { name: 'B', decodeTunnels: false, size: (p) => p.ipSize },
  { name: 'C', decodeTunnels: true, size: (p) => p.transportSize },
  { name: 'D', decodeTunnels: true, size: (p) => p.payloadSize },
];

const FLAGS = ['fin', 'syn', 'rst', 'psh', 'ack', 'urg', 'ece', 'cwr'] as const;

interface KeyStats {
  packets: number;
  bytes: number;
  min: number;
  max: number;
  flags: number[];
}

function newStats(): KeyStats {
  return { packets: 0, bytes: 0, min: Infinity, max: -Infinity, flags: FLAGS.map(() => 0) };
}

function canonicalKey(a: string, b: string, proto: string, version: string, vlan: string, tunnel: string): string {
  const [x, y] = a < b ? [a, b] : [b, a];
  return `${x} ${y} p${proto} v${version} vlan${vlan} t${tunnel}`;
}

function ipText(p: DecodedPacket, src: boolean): string {
  if (p.ipVersion === 4) return ipv4Text(src ? p.src0 : p.dst0);
  return src ? ipv6Text(p.src0, p.src1, p.src2, p.src3) : ipv6Text(p.dst0, p.dst1, p.dst2, p.dst3);
}

function decodeCapture(path: string, cfg: Config) {
  const decoder = new PacketDecoder({ decodeTunnels: cfg.decodeTunnels });
  const p = new DecodedPacket();
  const stats = new Map<string, KeyStats>();
  const endpoints = new Map<string, Set<string>>();
  let decoded = 0;
  forEachRecord(path, (rec) => {
    if (decoder.decode(rec, p) !== IgnoreReason.None) return;
    decoded++;
    const s = `${ipText(p, true)}|${p.srcPort}`;
    const d = `${ipText(p, false)}|${p.dstPort}`;
    const key = canonicalKey(s, d, `${p.protocol}`, `${p.ipVersion}`, `${p.vlanId}`, `${cfg.decodeTunnels ? p.tunnelId : 0}`);
    let st = stats.get(key);
    if (!st) stats.set(key, (st = newStats()));
    const size = cfg.size(p);
    st.packets++;
    st.bytes += size;
    st.min = Math.min(st.min, size);
    st.max = Math.max(st.max, size);
    FLAGS.forEach((_, i) => {
      st.flags[i] += (p.tcpFlags >> i) & 1;
    });
    let eps = endpoints.get(key);
    if (!eps) endpoints.set(key, (eps = new Set()));
    eps.add(`${s}|${macText(p.srcMac)}`);
    eps.add(`${d}|${macText(p.dstMac)}`);
  });
  return { stats, endpoints, decoded };
}

function goldenStats(cfg: Config, kind: 'synthetic' | 'corpus', capture: string) {
  const stats = new Map<string, KeyStats>();
  const flows: { key: string; src: string; dst: string }[] = [];
  let packets = 0;
  for (const row of readGolden(cfg.name, kind, capture)) {
    const s = `${row.src_ip}|${row.src_port}`;
    const d = `${row.dst_ip}|${row.dst_port}`;
    const key = canonicalKey(s, d, row.protocol, row.ip_version, row.vlan_id, row.tunnel_id ?? '0');
    let st = stats.get(key);
    if (!st) stats.set(key, (st = newStats()));
    const n = Number(row.bidirectional_packets);
    packets += n;
    st.packets += n;
    st.bytes += Number(row.bidirectional_bytes);
    st.min = Math.min(st.min, Number(row.bidirectional_min_ps));
    st.max = Math.max(st.max, Number(row.bidirectional_max_ps));
    FLAGS.forEach((f, i) => {
      st.flags[i] += Number(row[`bidirectional_${f}_packets`]);
    });
    flows.push({ key, src: `${s}|${row.src_mac}`, dst: `${d}|${row.dst_mac}` });
  }
  return { stats, flows, packets };
}

function sorted(m: Map<string, KeyStats>): [string, KeyStats][] {
  return [...m.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

function check(kind: 'synthetic' | 'corpus', capture: string, path: string, cfg: Config): void {
  const ours = decodeCapture(path, cfg);
  const golden = goldenStats(cfg, kind, capture);
  expect(ours.decoded).toBe(golden.packets);
  expect(sorted(ours.stats)).toEqual(sorted(golden.stats));
  // Every flow's endpoints (with the MAC of its first packet) are endpoints of our packets.
  for (const f of golden.flows) {
    const eps = ours.endpoints.get(f.key);
    expect(eps?.has(f.src), `${f.key} src ${f.src}`).toBe(true);
    expect(eps?.has(f.dst), `${f.key} dst ${f.dst}`).toBe(true);
  }
}

describe('golden conformance: synthetic captures', () => {
  const root = ensureGolden();
  for (const cfg of CONFIGS) {
    for (const capture of syntheticCaptures()) {
      it(`${cfg.name} ${capture}`, () => {
        check('synthetic', capture, join(root, 'synthetic_pcaps', capture), cfg);
      }, 60_000);
    }
  }
});

describe('golden conformance: corpus captures', () => {
  for (const cfg of CONFIGS) {
    it(`config ${cfg.name}: all corpus captures`, () => {
      const failures: string[] = [];
      for (const capture of corpusCaptures()) {
        try {
          check('corpus', capture, join(CORPUS_DIR, capture), cfg);
        } catch (e) {
          failures.push(`${capture}: ${(e as Error).message.split('\n').slice(0, 12).join('\n')}`);
        }
      }
      expect(failures).toEqual([]);
    }, 120_000);
  }
});
