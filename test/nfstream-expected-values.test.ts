import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NFStreamer } from '@flowstream/streamer';
import { PCAPS, corpusCaptures } from './support/paths.js';

// The concrete values of spec §13 (NFStream's tests.py) and metering invariants.
const pcap = (name: string) => join(PCAPS, name);
const flowsOf = (s: NFStreamer) => [...s];

describe('spec §13 expected values', () => {
  it('expiration: google_ssl.pcap gives 28 flows with idleTimeout 0 and with activeTimeout 0', () => {
    const idle = flowsOf(new NFStreamer({ source: pcap('google_ssl.pcap'), idleTimeout: 0, nDissections: 0 }));
    expect(idle.at(-1)!.id).toBe(27);
    expect(idle.every((f) => f.bidirectional_packets === 1)).toBe(true);
    const active = flowsOf(new NFStreamer({ source: pcap('google_ssl.pcap'), activeTimeout: 0, nDissections: 0 }));
    expect(active.at(-1)!.id).toBe(27);
    expect(active.slice(0, -1).every((f) => f.expiration_id === 1)).toBe(true);
  });

  it('statistics: google_ssl.pcap in accounting modes 1 and 0', () => {
    const [f] = flowsOf(new NFStreamer({ source: pcap('google_ssl.pcap'), statisticalAnalysis: true, accountingMode: 1, nDissections: 0 }));
    expect(f!.toJSON()).toMatchObject({
      id: 0, expiration_id: 0, src_ip: '172.31.3.224', src_mac: '80:c6:ca:00:9e:9f', src_oui: '80:c6:ca', src_port: 42835,
      dst_ip: '216.58.212.100', dst_mac: '00:0e:8e:4d:b4:a8', dst_oui: '00:0e:8e', dst_port: 443, protocol: 6, ip_version: 4,
      vlan_id: 0, tunnel_id: 0, bidirectional_first_seen_ms: 1434443394683, bidirectional_last_seen_ms: 1434443401353,
      bidirectional_duration_ms: 6670, bidirectional_packets: 28, bidirectional_bytes: 8696, src2dst_duration_ms: 6670,
      src2dst_packets: 16, src2dst_bytes: 1288, dst2src_first_seen_ms: 1434443394717, dst2src_last_seen_ms: 1434443401308,
      dst2src_duration_ms: 6591, dst2src_packets: 12, dst2src_bytes: 7408,
      bidirectional_min_ps: 40, bidirectional_mean_ps: 310.57142857142856, bidirectional_stddev_ps: 500.54617788019937, bidirectional_max_ps: 1470,
      src2dst_min_ps: 40, src2dst_mean_ps: 80.49999999999999, src2dst_stddev_ps: 89.55519713189922, src2dst_max_ps: 354,
      dst2src_min_ps: 40, dst2src_mean_ps: 617.3333333333334, dst2src_stddev_ps: 651.4524099458397, dst2src_max_ps: 1470,
      bidirectional_min_piat_ms: 0, bidirectional_mean_piat_ms: 247.037037037037, bidirectional_stddev_piat_ms: 324.04599406227237, bidirectional_max_piat_ms: 995,
      src2dst_min_piat_ms: 76, src2dst_mean_piat_ms: 444.6666666666667, src2dst_stddev_piat_ms: 397.60329595261277, src2dst_max_piat_ms: 1185,
      dst2src_min_piat_ms: 66, dst2src_mean_piat_ms: 599.1818181818182, dst2src_stddev_piat_ms: 384.78456782511904, dst2src_max_piat_ms: 1213,
      bidirectional_syn_packets: 2, bidirectional_ack_packets: 27, bidirectional_psh_packets: 8, bidirectional_fin_packets: 2,
      src2dst_syn_packets: 1, src2dst_ack_packets: 15, src2dst_psh_packets: 4, src2dst_fin_packets: 1,
      dst2src_syn_packets: 1, dst2src_ack_packets: 12, dst2src_psh_packets: 4, dst2src_fin_packets: 1,
      bidirectional_cwr_packets: 0, bidirectional_ece_packets: 0, bidirectional_urg_packets: 0, bidirectional_rst_packets: 0,
    });
    const [g] = flowsOf(new NFStreamer({ source: pcap('google_ssl.pcap'), statisticalAnalysis: true, nDissections: 0 }));
    expect(g!.toJSON()).toMatchObject({
      bidirectional_bytes: 9108, src2dst_bytes: 1512, dst2src_bytes: 7596,
      bidirectional_min_ps: 54, bidirectional_mean_ps: 325.2857142857144, bidirectional_stddev_ps: 500.14981882416123, bidirectional_max_ps: 1484,
      src2dst_min_ps: 54, src2dst_mean_ps: 94.5, src2dst_stddev_ps: 89.55519713189923, src2dst_max_ps: 368,
      dst2src_min_ps: 60, dst2src_mean_ps: 632.9999999999999, dst2src_stddev_ps: 649.8457159552985, dst2src_max_ps: 1484,
    });
  });

  it('SPLT: google_ssl.pcap with spltAnalysis 5', () => {
    const [f] = flowsOf(new NFStreamer({ source: pcap('google_ssl.pcap'), spltAnalysis: 5, nDissections: 0 }));
    expect(f!.splt_direction).toEqual([0, 1, 0, 0, 1]);
    expect(f!.splt_ps).toEqual([58, 60, 54, 180, 60]);
    expect(f!.splt_piat_ms).toEqual([0, 34, 134, 144, 35]);
  });

  it('tunnels: gtp-u.pcap flows carry tunnel_id 1; without decoding one flow and no tunnel_id', () => {
    const on = flowsOf(new NFStreamer({ source: pcap('gtp-u.pcap'), statisticalAnalysis: true, nDissections: 0 }));
    expect(on.length).toBeGreaterThan(0);
    expect(on.every((f) => f.tunnel_id === 1)).toBe(true);
    expect(on.some((f) => f.protocol === 1 && f.bidirectional_packets === 102 && f.bidirectional_bytes === 14076)).toBe(true);
    const off = flowsOf(new NFStreamer({ source: pcap('gtp-u.pcap'), decodeTunnels: false, nDissections: 0 }));
    expect(off).toHaveLength(1);
    expect(off[0]!.keys()).not.toContain('tunnel_id');
    expect('tunnel_id' in off[0]!.toJSON()).toBe(false);
  });

  it('multi-file: the one_flow_* captures form one flow', () => {
    const source = ['one_flow_1_5.pcap', 'one_flow_6_10.pcap', 'one_flow_11_15.pcap', 'one_flow_16_19.pcap'].map(pcap);
    const flows = flowsOf(new NFStreamer({ source, nDissections: 0 }));
    expect(flows).toHaveLength(1);
    expect(flows[0]!.toJSON()).toMatchObject({
      id: 0, expiration_id: 0, src_ip: '192.168.43.18', src_port: 52066, src_mac: '30:52:cb:6c:9c:1b', dst_ip: '66.220.156.68',
      dst_port: 443, dst_mac: '98:0c:82:d3:3c:7c', protocol: 6, ip_version: 4, vlan_id: 0, tunnel_id: 0,
      bidirectional_first_seen_ms: 1472393122365, bidirectional_last_seen_ms: 1472393123665, bidirectional_duration_ms: 1300,
      bidirectional_packets: 19, bidirectional_bytes: 5745, src2dst_first_seen_ms: 1472393122365, src2dst_last_seen_ms: 1472393123408,
      src2dst_duration_ms: 1043, src2dst_packets: 9, src2dst_bytes: 1345, dst2src_first_seen_ms: 1472393122668,
      dst2src_last_seen_ms: 1472393123665, dst2src_duration_ms: 997, dst2src_packets: 10, dst2src_bytes: 4400,
    });
  });

  it('systemVisibilityMode: reset to 0 for one file, kept for a list of files (spec §8 quirk 20)', () => {
    const one = new NFStreamer({ source: pcap('google_ssl.pcap'), systemVisibilityMode: 1, nDissections: 0 });
    expect(one.systemVisibilityMode).toBe(0);
    expect([...one][0]!.keys()).not.toContain('system_process_pid');
    const list = new NFStreamer({ source: [pcap('google_ssl.pcap'), pcap('dhcp.pcap')], systemVisibilityMode: 1, nDissections: 0 });
    const flows = [...list];
    expect(flows[0]!.keys().slice(-2)).toEqual(['system_process_pid', 'system_process_name']);
    expect(flows.every((f) => f.system_process_pid === -1 && f.system_process_name === '')).toBe(true);
  });

  it('maxNflows: skype.pcap gives 294 flows, 294 with 0, 100 with 100', () => {
    expect(flowsOf(new NFStreamer({ source: pcap('skype.pcap'), nDissections: 0 }))).toHaveLength(294);
    expect(flowsOf(new NFStreamer({ source: pcap('skype.pcap'), nDissections: 0, maxNflows: 0 }))).toHaveLength(294);
    const s = new NFStreamer({ source: pcap('skype.pcap'), nDissections: 0, maxNflows: 100 });
    const flows = flowsOf(s);
    expect(flows).toHaveLength(100);
    expect(flows.map((f) => f.id)).toEqual([...Array(100).keys()]);
    expect(s.summary!.flows).toBe(100);
  });

  it('facebook.pcap example record with statistics and SPLT 10', () => {
    const [f] = flowsOf(new NFStreamer({ source: pcap('facebook.pcap'), statisticalAnalysis: true, spltAnalysis: 10, nDissections: 0 }));
    expect(f!.splt_direction).toEqual([0, 1, 0, 0, 1, 1, 0, 1, 0, 1]);
    expect(f!.splt_ps).toEqual([74, 74, 66, 262, 66, 1454, 66, 1454, 66, 463]);
    expect(f!.splt_piat_ms).toEqual([0, 303, 0, 0, 313, 0, 0, 0, 0, 1]);
    expect(f!.bidirectional_mean_ps).toBe(302.36842105263156);
    expect(f!.dst2src_stddev_ps).toBe(549.7164925870628);
  });

  it('a streamer iterates again from id 0', () => {
    const s = new NFStreamer({ source: pcap('skype.pcap'), nDissections: 0 });
    const a = flowsOf(s).map((f) => JSON.stringify(f));
    const b = flowsOf(s).map((f) => JSON.stringify(f));
    expect(b).toEqual(a);
  });
});

describe('parameter validation (spec §13, TypeScript style errors)', () => {
  const src = pcap('google_ssl.pcap');
  const bad: [string, unknown, 'TypeError' | 'RangeError'][] = [
    ['decodeTunnels', 33, 'TypeError'], ['decodeTunnels', 'True', 'TypeError'], ['bpfFilter', 11, 'TypeError'],
    ['promiscuousMode', 'yes', 'TypeError'], ['promiscuousMode', 89, 'TypeError'], ['snapshotLength', 'largest', 'TypeError'],
    ['snapshotLength', -1, 'RangeError'], ['socketBufferSize', 'largest', 'TypeError'], ['socketBufferSize', -1, 'RangeError'],
    ['socketBufferSize', 2 ** 31, 'RangeError'], ['idleTimeout', -1, 'RangeError'], ['idleTimeout', 'idle', 'TypeError'],
    ['activeTimeout', -1, 'RangeError'], ['activeTimeout', 'active', 'TypeError'], ['accountingMode', -1, 'RangeError'],
    ['accountingMode', 5, 'RangeError'], ['accountingMode', 'ip', 'TypeError'], ['udps', () => 1, 'TypeError'],
    ['udps', 'NFPlugin', 'TypeError'], ['nDissections', 'yes', 'TypeError'], ['nDissections', -1, 'RangeError'],
    ['nDissections', 256, 'RangeError'], ['systemVisibilityMode', 'yes', 'TypeError'], ['systemVisibilityMode', -1, 'RangeError'],
    ['systemVisibilityMode', 3, 'RangeError'], ['systemVisibilityPollMs', 'yes', 'TypeError'], ['systemVisibilityPollMs', -1, 'RangeError'],
    ['statisticalAnalysis', 'yes', 'TypeError'], ['statisticalAnalysis', 89, 'TypeError'], ['spltAnalysis', -1, 'RangeError'],
    ['spltAnalysis', 70000, 'RangeError'], ['spltAnalysis', 'yes', 'TypeError'], ['nMeters', 'yes', 'TypeError'],
    ['nMeters', -1, 'RangeError'], ['maxNflows', 'yes', 'TypeError'], ['maxNflows', -1, 'RangeError'],
    ['performanceReport', 'yes', 'TypeError'], ['performanceReport', -1, 'RangeError'],
  ];
  it.each(bad)('%s = %j ⇒ %s naming the option', (name, value, kind) => {
    let error: unknown;
    try {
      new NFStreamer({ source: src, [name]: value } as never);
    } catch (e) {
      error = e;
    }
    expect((error as Error)?.constructor.name).toBe(kind);
    expect((error as Error).message).toContain(name);
    // the same validation runs when the option is changed later through its setter
    const s = new NFStreamer({ source: src });
    expect(() => ((s as unknown as Record<string, unknown>)[name] = value)).toThrow((error as Error).message);
  });

  it.each([['inexisting.pcap'], [11], [[]], [[src, 'nope.pcap']]])('source %j is rejected', (source) => {
    expect(() => new NFStreamer({ source } as never)).toThrow(/source/);
  });
});

describe('metering invariants (property tests)', () => {
  const captures = corpusCaptures().filter((n) => !n.startsWith('ip_fragmented')).slice(0, 60);
  it('sum of flow packets = processed, last ≥ first, idleTimeout 0 ⇒ single-packet flows', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...captures),
        fc.integer({ min: 0, max: 30 }),
        fc.integer({ min: 0, max: 120 }),
        fc.constantFrom(0, 1, 2, 3),
        fc.boolean(),
        (name, idleTimeout, activeTimeout, accountingMode, decodeTunnels) => {
          const s = new NFStreamer({ source: pcap(name), idleTimeout, activeTimeout, accountingMode: accountingMode as 0, decodeTunnels, nDissections: 0, statisticalAnalysis: true });
          let packets = 0;
          let id = 0;
          for (const f of s) {
            expect(f.id).toBe(id++);
            packets += f.bidirectional_packets;
            expect(f.bidirectional_last_seen_ms).toBeGreaterThanOrEqual(f.bidirectional_first_seen_ms);
            expect(f.src2dst_packets + f.dst2src_packets).toBe(f.bidirectional_packets);
            expect(f.src2dst_bytes + f.dst2src_bytes).toBe(f.bidirectional_bytes);
            if (idleTimeout === 0) expect(f.bidirectional_packets).toBe(1);
            if (f.expiration_id === 1) expect(f.bidirectional_duration_ms).toBeLessThan(activeTimeout * 1000 || 1);
          }
          expect(packets).toBe(s.summary!.packets.processed);
        },
      ),
      { numRuns: 60 },
    );
  });
});
