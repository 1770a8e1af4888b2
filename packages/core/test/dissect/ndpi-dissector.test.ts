import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DecodedPacket } from '../../src/decode/decoded-packet.js';
import type { FlowDissector } from '../../src/dissect/flow-dissector.js';
import { createNdpiDissector, loadNdpi, ndpiVersion } from '../../src/dissect/index.js';
import type { NdpiLibrary } from '../../src/dissect/index.js';
import type { NdpiFunctions } from '../../src/dissect/ndpi-library.js';
import { DISSECTION_FIELD_NAMES } from '../../src/flow/flow-batch-writer.js';
import { NFlow } from '../../src/flow/nflow.js';
import { forEachPacket, meterFlows, ndpiForTests, PCAPS } from './support/capture-flows.js';

const { lib, skip, title } = ndpiForTests('nDPI dissector');

const NDPI_FIELDS = DISSECTION_FIELD_NAMES;

function fields(f: NFlow): Record<string, unknown> {
  return Object.fromEntries(NDPI_FIELDS.map((k) => [k, f[k]]));
}

/** A copy of `lib` counting the calls of each C function. */
function counting(base: NdpiLibrary): { lib: NdpiLibrary; calls: Record<string, number> } {
  const calls: Record<string, number> = {};
  const fn = {} as Record<string, unknown>;
  for (const [name, f] of Object.entries(base.fn)) {
    fn[name] = (...args: unknown[]) => {
      calls[name] = (calls[name] ?? 0) + 1;
      return (f as (...a: unknown[]) => unknown)(...args);
    };
  }
  return { lib: { ...base, fn: fn as unknown as NdpiFunctions }, calls };
}

/** Feeds a one-flow capture straight to a dissector at slot 3 (no meter) and expires it. */
function singleFlow(dissector: FlowDissector, capture: string): NFlow {
  let n = 0;
  forEachPacket(join(PCAPS, capture), (p) => {
    n++;
    if (n === 1) dissector.init(3, p);
    else dissector.update(3, p, n);
  });
  const flow = new NFlow();
  dissector.expire(3, flow);
  return flow;
}

const open: FlowDissector[] = [];
function dissector(l: NdpiLibrary, k = 20): FlowDissector {
  const d = createNdpiDissector(l, k);
  open.push(d);
  return d;
}
afterEach(() => {
  for (const d of open.splice(0)) d.close();
});

describe('loadNdpi', () => {
  it('returns the same library or the same Error every time', () => {
    expect(loadNdpi()).toBe(loadNdpi());
  });

  it.skipIf(skip)('reports the version it loaded', () => {
    expect(ndpiVersion(lib)).toMatch(/^nDPI 4\.2\.0 \(API 8668, libndpi\.so(\.4\.2)?\)$/);
  });
});

describe.skipIf(skip)(title, () => {
  it('google_ssl.pcap with the default 20 dissections: TLS/Web/1/1, other strings empty (spec §13)', () => {
    const { lib: l, calls } = counting(lib);
    const f = singleFlow(dissector(l), 'google_ssl.pcap');
    expect(fields(f)).toEqual({
      application_name: 'TLS',
      application_category_name: 'Web',
      application_is_guessed: 1,
      application_confidence: 1,
      requested_server_name: '',
      client_fingerprint: '',
      server_fingerprint: '',
      user_agent: '',
      content_type: '',
    });
    // Unknown all along: exactly one FFI call per dissected packet, 20 packets, give-up at packet 20.
    expect(calls.processPacketAt).toBe(20);
    expect(calls.extraDissectionPossible ?? 0).toBe(0);
    expect(calls.detectionGiveup).toBe(1);
    // the struct is the dissector's own: no allocation call, nDPI's data freed once
    expect(calls.calloc).toBeUndefined();
    expect(calls.freeFlowData).toBe(1);
    expect(calls.copyFromAddress ?? 0).toBe(0);
  });

  it('nDissections = 1: packet 1 only, immediate give-up (spec §11)', () => {
    const { lib: l, calls } = counting(lib);
    const f = singleFlow(dissector(l, 1), 'google_ssl.pcap');
    expect([f.application_name, f.application_is_guessed, f.application_confidence]).toEqual(['TLS', 1, 1]);
    expect(calls.processPacketAt).toBe(1);
    expect(calls.detectionGiveup).toBe(1);
    // the SYN made nDPI allocate nothing in the flow struct: no ndpi_free_flow_data call for it
    expect(calls.freeFlowData ?? 0).toBe(0);
  });

  it('a flow that expires before k packets is given up at expiry (spec §11)', () => {
    const { lib: l, calls } = counting(lib);
    const f = singleFlow(dissector(l, 255), 'google_ssl.pcap'); // 28 packets < 255
    expect([f.application_name, f.application_is_guessed, f.application_confidence]).toEqual(['TLS', 1, 1]);
    expect(calls.processPacketAt).toBe(28);
    expect(calls.detectionGiveup).toBe(1);
  });

  it('a detected flow stops once no extra dissection is possible, without give-up', () => {
    const { lib: l, calls } = counting(lib);
    const f = singleFlow(dissector(l), 'http_auth.pcap');
    expect(f.application_name).toBe('HTTP');
    expect(calls.detectionGiveup ?? 0).toBe(0);
    expect(calls.processPacketAt!).toBeLessThan(20);
    expect(calls.freeFlowData).toBe(1); // freed when done, not at expiry
  });

  it('facebook.pcap: TLS.Facebook with SNI, JA3 and JA3S (spec §13)', () => {
    const flows = meterFlows(join(PCAPS, 'facebook.pcap'), dissector(lib));
    expect(flows.map(fields)).toEqual([
      {
        application_name: 'TLS.Facebook',
        application_category_name: 'SocialNetwork',
        application_is_guessed: 0,
        application_confidence: 6,
        requested_server_name: 'facebook.com',
        client_fingerprint: 'bfcc1a3891601edb4f137ab7ab25b840',
        server_fingerprint: '2d1eb5817ece335c24904f516ad5da12',
        user_agent: '',
        content_type: '',
      },
      {
        application_name: 'TLS.Facebook',
        application_category_name: 'SocialNetwork',
        application_is_guessed: 0,
        application_confidence: 6,
        requested_server_name: 'www.facebook.com',
        client_fingerprint: '5c60e71f1b8cd40e4d40ed5b6d666e3f',
        server_fingerprint: '96681175a9547081bf3d417f1a572091',
        user_agent: '',
        content_type: '',
      },
    ]);
  });

  it('dhcp.pcap: DHCP/Network/0/6 and the option-55 fingerprint (spec §13)', () => {
    const flows = meterFlows(join(PCAPS, 'dhcp.pcap'), dissector(lib));
    expect(flows.map((f) => [f.bidirectional_packets, f.application_name, f.application_category_name, f.application_is_guessed, f.application_confidence])).toEqual([
      [2, 'DHCP', 'Network', 0, 6],
      [2, 'DHCP', 'Network', 0, 6],
    ]);
    expect(flows[0]!.client_fingerprint).toBe('1,3,6,42');
  });

  it('HTTP: user agent and content type', () => {
    const [f] = meterFlows(join(PCAPS, 'http_auth.pcap'), dissector(lib));
    expect(fields(f!)).toMatchObject({
      application_name: 'HTTP',
      requested_server_name: 'browserspy.dk',
      user_agent:
        'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_8_5) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/30.0.1599.69 Safari/537.36',
      content_type: 'text/html',
    });
  });

  it('QUIC: SNI and the QUIC user agent', () => {
    const [f] = meterFlows(join(PCAPS, 'quic.pcap'), dissector(lib));
    expect(fields(f!)).toMatchObject({
      application_name: 'QUIC.GMail',
      requested_server_name: 'mail.google.com',
      user_agent: 'beta Chrome/43.0.2357.45',
    });
  });

  it('DNS.X flows take the DNS category; IP-only guesses are not labels (nDPI 4.7-dev)', () => {
    const flows = meterFlows(join(PCAPS, 'skype.pcap'), dissector(lib));
    expect(fields(flows[0]!)).toMatchObject({ application_name: 'DNS.Skype_Teams', application_category_name: 'Network' });
    expect(flows.length).toBe(294);
  });

  it('a slot expired without nDPI state reports Unknown', () => {
    const f = new NFlow();
    dissector(lib).expire(7, f);
    expect(fields(f)).toEqual({
      application_name: 'Unknown',
      application_category_name: 'Unspecified',
      application_is_guessed: 0,
      application_confidence: 0,
      requested_server_name: '',
      client_fingerprint: '',
      server_fingerprint: '',
      user_agent: '',
      content_type: '',
    });
  });

  it('rejects nDissections outside 1…255 and use after close', () => {
    expect(() => createNdpiDissector(lib, 0)).toThrow(RangeError);
    expect(() => createNdpiDissector(lib, 256)).toThrow(RangeError);
    const d = createNdpiDissector(lib, 20);
    d.close();
    d.close(); // idempotent
    expect(() => d.init(0, synthetic(0).packet)).toThrow(/after close/);
  });

  it('memory stays flat over 50k flows through reused slots', () => {
    const { lib: l, calls } = counting(lib);
    const d = dissector(l);
    const flow = new NFlow();
    const round = (base: number) => {
      for (let i = 0; i < 10_000; i++) {
        const slot = i % 500;
        const { packet, next } = synthetic(base + i);
        d.init(slot, packet);
        d.update(slot, next, 2);
        d.expire(slot, flow);
      }
    };
    round(0);
    global.gc?.();
    const before = process.memoryUsage().rss;
    for (let r = 1; r < 5; r++) round(r * 10_000);
    global.gc?.();
    const grown = process.memoryUsage().rss - before;
    expect(calls.freeFlowData).toBe(50_000);
    // 40k leaked nDPI flows would be ≥ 27 MB (688-byte structs plus their HTTP strings).
    expect(grown).toBeLessThan(12 * 1024 * 1024);
    expect(flow.application_name).toBe('HTTP');
  });
});

/** A synthetic HTTP request/response pair over IPv4/TCP for flow `n` (distinct client port/IP). */
function synthetic(n: number): { packet: DecodedPacket; next: DecodedPacket } {
  const req = 'GET /index.html HTTP/1.1\r\nHost: www.example.org\r\nUser-Agent: flowstream-test/1.0\r\n\r\n';
  const res = 'HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 0\r\n\r\n';
  const client = [10, (n >> 16) & 255, (n >> 8) & 255, n & 255];
  const server = [192, 0, 2, 80];
  const port = 1024 + (n % 60000);
  return {
    packet: tcpPacket(client, server, port, 80, req, n),
    next: tcpPacket(server, client, 80, port, res, n + 1),
  };
}

function tcpPacket(src: number[], dst: number[], sport: number, dport: number, payload: string, t: number): DecodedPacket {
  const body = new TextEncoder().encode(payload);
  const b = new Uint8Array(14 + 20 + 20 + body.length); // Ethernet header left in front, as in a frame
  const ip = 14;
  b.set([0x45, 0, 0, 0, 0, 1, 0x40, 0, 64, 6, 0, 0, ...src, ...dst], ip);
  const total = 40 + body.length;
  b[ip + 2] = total >> 8;
  b[ip + 3] = total & 255;
  const tcp = ip + 20;
  b.set([sport >> 8, sport & 255, dport >> 8, dport & 255, 0, 0, 0, 1, 0, 0, 0, 1, 0x50, 0x18, 0xff, 0xff], tcp);
  b.set(body, tcp + 20);
  const p = new DecodedPacket();
  p.data = b;
  p.ipOffset = ip;
  p.ipLength = total;
  p.timeMs = 1_700_000_000_000 + t;
  return p;
}
