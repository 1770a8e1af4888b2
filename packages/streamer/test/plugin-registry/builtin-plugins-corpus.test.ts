import { join } from 'node:path';
import { existsSync } from 'node:fs';
import { NFPlugin, type NFlow, type PluginPacket } from '@flowstream/core';
import { waveletFieldNames } from '../../../plugins/src/wavelet-features.js';
import { haarSwt } from '../../../plugins/src/wavelet/haar-swt.js';
import { energyFeatures } from '../../../plugins/src/wavelet/energy-features.js';
import { describe, expect, it } from 'vitest';
import { NFStreamer } from '../../src/index.js';
import { createPluginRegistry, parsePluginSpec } from '../../src/plugin-registry/index.js';
import { PCAPS } from '../../../../test/support/paths.js';

// Built-in plugins on real captures, against the values of spec §10.3 / §13 (n_dissections 0).

const registry = createPluginRegistry();
const plugin = (text: string) => registry.resolve(parsePluginSpec(text));

async function flows(file: string, specs: string[], options: Record<string, unknown> = {}): Promise<NFlow[]> {
  const udps = await Promise.all(specs.map(plugin));
  return [...new NFStreamer({ source: join(PCAPS, file), nDissections: 0, udps, ...options })];
}

const bySrcIp = (a: NFlow, b: NFlow) => (a.src_ip < b.src_ip ? -1 : a.src_ip > b.src_ip ? 1 : 0);

describe('DHCP on dhcp.pcap', () => {
  it('emits the 3 flows of §10.3 in order with their fields', async () => {
    const out = await flows('dhcp.pcap', ['dhcp']);
    expect(out.map((f) => [f.src_ip, f.src_port, f.dst_ip, f.dst_port, f.expiration_id, f.bidirectional_packets])).toEqual([
      ['0.0.0.0', 68, '255.255.255.255', 67, -1, 1],
      ['0.0.0.0', 68, '255.255.255.255', 67, -1, 1],
      ['192.168.0.1', 67, '192.168.0.10', 68, 0, 2],
    ]);
    expect(out[0]!.udps.dhcp_msg_type).toBe('MsgType.DISCOVER');
    expect(out[1]!.udps).toEqual({
      dhcp_12: null,
      dhcp_50: '192.168.0.10',
      dhcp_55: '1,3,6,42',
      dhcp_57: null,
      dhcp_60: null,
      dhcp_77: null,
      dhcp_options: [53, 61, 50, 54, 55],
      dhcp_addr: null,
      dhcp_msg_type: 'MsgType.REQUEST',
      dhcp_oui: '00:0b:82',
    });
    expect(Object.values(out[2]!.udps).every((v) => v === null || (Array.isArray(v) && v.length === 0))).toBe(true);
  });
});

describe('MDNS on mdns.pcap', () => {
  it('gives the first row (sorted by src_ip) the PTR list of §10.3', async () => {
    const out = (await flows('mdns.pcap', ['mdns'])).sort(bySrcIp);
    expect(out[0]!.src_ip).toBe('10.10.2.1');
    expect(out[0]!.udps.mdns_ptr).toEqual([
      'skynet.local',
      'skynet [00:1a:ef:17:c3:05]._workstation._tcp.local',
      'recombinator_mpd._mpd._tcp.local',
      '_mpd._tcp.local',
      'skynet._udisks-ssh._tcp.local',
      '_udisks-ssh._tcp.local',
      '_workstation._tcp.local',
    ]);
  });
});

describe('JA4 on TLS captures', () => {
  const cases: [string, [number, string, string][]][] = [
    ['443-firefox.pcap', [[0, 't13d1814h2_29a2cd9e9f10_d267a5f792d4', 't1206h2_cca8_17136cd5846b']]],
    ['443-curl.pcap', [[0, 't12d6707h2_2955a3196ffa_c83f907a73d3', 't1204h2_c02f_7cc3d1d7f9b5']]],
    [
      'facebook.pcap',
      [
        [0, 't12d1310h2_27a29bd8d6e6_85173d161f9a', 't1205h2_c02b_845f7282a956'],
        [1, 't12d1311h2_27a29bd8d6e6_c4623e4f4474', 't1202h2_c02b_87b1562aab70'],
      ],
    ],
    ['tls_verylong_certificate.pcap', [[0, 't12d6707h1_2955a3196ffa_c83f907a73d3', 't1204h1_c02f_7cc3d1d7f9b5']]],
  ];
  for (const [file, expected] of cases) {
    it.skipIf(!existsSync(join(PCAPS, file)))(`${file}`, async () => {
      const out = await flows(file, ['ja4']);
      for (const [id, ja4, ja4s] of expected) {
        expect([out[id]!.udps.ja4, out[id]!.udps.ja4s]).toEqual([ja4, ja4s]);
        expect(Object.keys(out[id]!.udps)).toEqual(['ja4', 'ja4s']);
      }
    });
  }
  for (const file of ['google_ssl.pcap', '443-chrome.pcap']) {
    it.skipIf(!existsSync(join(PCAPS, file)))(`${file} has none`, async () => {
      for (const f of await flows(file, ['ja4'])) expect([f.udps.ja4, f.udps.ja4s]).toEqual([null, null]);
    });
  }
});

describe('FlowSlicer on google_ssl.pcap', () => {
  it.each([
    [1, 28],
    [4, 7],
  ])('limit %i ⇒ %i flows', async (limit, count) => {
    const out = await flows('google_ssl.pcap', [`flow-slicer:limit=${limit}`]);
    expect(out).toHaveLength(count);
    expect(out.every((f) => f.expiration_id === -1 && f.bidirectional_packets === limit)).toBe(true);
  });
});

describe('SPLT plugin equals native splt_* fields', () => {
  for (const file of ['google_ssl.pcap', 'facebook.pcap', 'dhcp.pcap', 'mdns.pcap', '443-curl.pcap']) {
    for (const n of [5, 10]) {
      it(`${file} N=${n}, modes 0–3`, async () => {
        for (const mode of [0, 1, 2, 3]) {
          const out = await flows(file, [`splt:sequenceLength=${n},accountingMode=${mode}`], {
            spltAnalysis: n,
            accountingMode: mode,
          });
          expect(out.length).toBeGreaterThan(0);
          for (const f of out) {
            expect([f.udps.splt_direction, f.udps.splt_ps, f.udps.splt_piat_ms]).toEqual([
              f.splt_direction,
              f.splt_ps,
              f.splt_piat_ms,
            ]);
          }
        }
      });
    }
  }

  it('google_ssl.pcap N=5 mode 0 gives the §5.5 example', async () => {
    const [f] = await flows('google_ssl.pcap', ['splt:sequenceLength=5']);
    expect([f!.udps.splt_direction, f!.udps.splt_ps, f!.udps.splt_piat_ms]).toEqual([
      [0, 1, 0, 0, 1],
      [58, 60, 54, 180, 60],
      [0, 34, 134, 144, 35],
    ]);
  });
});

/** Records every packet's (time, direction, ip_size), to recompute the wavelet bins independently. */
class Recorder extends NFPlugin {
  override onInit(p: PluginPacket, flow: NFlow): void {
    flow.udps.rec = [[p.time, p.direction, p.ip_size]];
  }
  override onUpdate(p: PluginPacket, flow: NFlow): void {
    (flow.udps.rec as number[][]).push([p.time, p.direction, p.ip_size]);
  }
}

describe('WFPlugin on a capture', () => {
  it('matches features recomputed from the recorded packets (first packet not binned)', async () => {
    const levels = 3;
    const activeTimeout = 1800;
    const wf = await plugin(`wf:activeTimeout=${activeTimeout},levels=${levels}`);
    const out = [...new NFStreamer({ source: join(PCAPS, 'facebook.pcap'), nDissections: 0, activeTimeout, udps: [new Recorder(), wf] })];
    const names = waveletFieldNames(levels);
    for (const f of out) {
      expect(Object.keys(f.udps)).toEqual(['rec', ...names]);
      const rec = f.udps.rec as number[][];
      const binSize = (activeTimeout / 2 ** levels) * 1000;
      const bins = [new Array<number>(2 ** levels).fill(0), new Array<number>(2 ** levels).fill(0)];
      for (const [time, direction, size] of rec.slice(1)) bins[direction!]![Math.floor((time! - rec[0]![0]!) / binSize)]! += size!;
      const expected = bins.flatMap((b) => {
        const x = energyFeatures(haarSwt(b, levels));
        return [...x.p, ...x.u, ...x.sigma, ...x.S];
      });
      names.forEach((name, i) => expect(f.udps[name] as number).toBeCloseTo(expected[i]!, 9));
    }
  });
});
