import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { JA4 } from '../src/index.js';
import { CLIENT_HELLO, SERVER_HELLO, ja4Fingerprint } from '../src/ja4/ja4-fingerprint.js';
import { removeGreaseBuggy } from '../src/ja4/grease.js';
import { ACK, PSH_ACK, SYN, be16, flow, ipv4, packet, tcp, udp, utf8 } from './helpers/packets.js';

const sha12 = (s: string) => createHash('sha256').update(s).digest('hex').slice(0, 12);

function ext(type: number, data: number[]): number[] {
  return [...be16(type), ...be16(data.length), ...data];
}

function record(handshakeType: number, body: number[]): Uint8Array {
  const hs = [handshakeType, 0, ...be16(body.length), ...body];
  return new Uint8Array([0x16, 0x03, 0x01, ...be16(hs.length), ...hs]);
}

function clientHello(ciphers: number[], extensions: number[][]): Uint8Array {
  const exts = extensions.flat();
  return record(1, [
    0x03, 0x03, ...new Array(32).fill(7), 32, ...new Array(32).fill(1),
    ...be16(ciphers.length * 2), ...ciphers.flatMap(be16), 1, 0, ...be16(exts.length), ...exts,
  ]);
}

function serverHello(cipher: number, extensions: number[][]): Uint8Array {
  const exts = extensions.flat();
  return record(2, [0x03, 0x03, ...new Array(32).fill(9), 0, ...be16(cipher), 0, ...be16(exts.length), ...exts]);
}

const alpn = (...protocols: string[]) => {
  const list = protocols.flatMap((p) => [utf8(p).length, ...utf8(p)]);
  return ext(0x0010, [...be16(list.length), ...list]);
};

const CLIENT = clientHello(
  [0x1a1a, 0x1301, 0x1302, 0xc02b],
  [
    ext(0x0a0a, []),
    ext(0x0000, [0, 6, 0, 0, 3, ...utf8('a.b')]),
    ext(0x0017, []),
    alpn('h2', 'http/1.1'),
    ext(0x000d, [0, 4, 0x04, 0x03, 0x08, 0x04]),
    ext(0x002b, [6, 0x2a, 0x2a, 0x03, 0x04, 0x03, 0x03]),
  ],
);
const CLIENT_JA4 = `t13d0305h2_${sha12('1301,1302,c02b')}_${sha12('000d,0017,002b_0403,0804')}`;
const SERVER = serverHello(0xc02f, [ext(0xff01, [0]), alpn('h2'), ext(0x0017, [])]);
const SERVER_JA4S = `t1203h2_c02f_${sha12('ff01,0010,0017')}`;

describe('JA4 fingerprint', () => {
  it('computes JA4 from a ClientHello (GREASE, SNI, ALPN, supported_versions, signature algorithms)', () => {
    expect(ja4Fingerprint(CLIENT, 0, CLIENT.length, CLIENT_HELLO)).toBe(CLIENT_JA4);
  });

  it('computes JA4S from a ServerHello', () => {
    expect(ja4Fingerprint(SERVER, 0, SERVER.length, SERVER_HELLO)).toBe(SERVER_JA4S);
  });

  it('returns null for the other hello type, non-TLS data and an inconsistent ALPN length', () => {
    expect(ja4Fingerprint(CLIENT, 0, CLIENT.length, SERVER_HELLO)).toBeNull();
    expect(ja4Fingerprint(new Uint8Array([0x17, 3, 3]), 0, 3, CLIENT_HELLO)).toBeNull();
    const broken = clientHello([0x1301], [ext(0x0010, [0, 9, 2, 0x68, 0x32])]);
    expect(ja4Fingerprint(broken, 0, broken.length, CLIENT_HELLO)).toBeNull();
  });

  it('uses i without SNI, 00 without ALPN and zeros for empty parts', () => {
    const bare = clientHello([], []);
    expect(ja4Fingerprint(bare, 0, bare.length, CLIENT_HELLO)).toBe('t12i000000_000000000000_000000000000');
  });

  it('replicates the buggy GREASE removal (§14 #26)', () => {
    expect(removeGreaseBuggy(['0a0a', '1a1a', '1301'])).toEqual(['1a1a', '1301']);
    expect(removeGreaseBuggy(['0a0a', '1301', '2a2a'])).toEqual(['1301']);
    const hello = clientHello([0x0a0a, 0x1a1a, 0x1301], []);
    expect(ja4Fingerprint(hello, 0, hello.length, CLIENT_HELLO)).toBe(`t12i020000_${sha12('1301,1a1a')}_000000000000`);
  });

  it('caps counts at 99 and prints versions as (major−2)(minor−1)', () => {
    const many = clientHello(Array.from({ length: 120 }, (_, i) => 0x0100 + i), [ext(0x002b, [2, 3, 1])]);
    expect(ja4Fingerprint(many, 0, many.length, CLIENT_HELLO)!.slice(0, 10)).toBe('t10i9901' + '00');
  });
});

/** Drives the plugin over TCP packets: [flags, payload?] per packet. */
function runTcp(packets: [number, Uint8Array?][]) {
  const plugin = new JA4();
  const f = flow({ dst_port: 443 });
  packets.forEach(([flags, payload], i) => {
    const p = packet({ ip: ipv4(6, tcp(50000, 443, flags, payload)) });
    if (i === 0) plugin.onInit(p, f);
    else plugin.onUpdate(p, f);
  });
  return { plugin, flow: f };
}

describe('JA4 plugin', () => {
  it('fingerprints the handshake of a flow starting with a SYN and cleans up on expiry', () => {
    const { plugin, flow: f } = runTcp([[SYN], [SYN | ACK], [ACK], [PSH_ACK, CLIENT], [ACK], [PSH_ACK, SERVER], [PSH_ACK, CLIENT]]);
    expect([f.udps.ja4, f.udps.ja4s]).toEqual([CLIENT_JA4, SERVER_JA4S]);
    plugin.onExpire(f);
    expect(Object.keys(f.udps)).toEqual(['ja4', 'ja4s']);
  });

  it('never fingerprints a flow whose first packet is not a bare SYN, nor the first packet', () => {
    expect(runTcp([[ACK], [PSH_ACK, CLIENT], [PSH_ACK, SERVER]]).flow.udps.ja4).toBeNull();
    expect(runTcp([[SYN, CLIENT]]).flow.udps.ja4).toBeNull();
  });

  it('requires the ClientHello by the packet after the handshake', () => {
    const late = runTcp([[SYN], [SYN | ACK], [ACK], [PSH_ACK, new Uint8Array([1, 2, 3])], [PSH_ACK, CLIENT]]);
    expect(late.flow.udps.ja4).toBeNull();
    const early = runTcp([[SYN], [SYN | ACK], [PSH_ACK, CLIENT], [ACK], [ACK], [PSH_ACK, SERVER]]);
    expect([early.flow.udps.ja4, early.flow.udps.ja4s]).toEqual([CLIENT_JA4, SERVER_JA4S]);
  });

  it('clears ja4 when a ServerHello candidate raises (quirk §14 #26)', () => {
    const failing = serverHello(0xc02f, [ext(0x0010, [0, 1, 0])]); // empty first ALPN protocol
    const { flow: f } = runTcp([[SYN], [SYN | ACK], [ACK], [PSH_ACK, CLIENT], [PSH_ACK, failing], [PSH_ACK, SERVER]]);
    expect([f.udps.ja4, f.udps.ja4s]).toEqual([null, null]);
  });

  it('parses UDP to port 443 as TLS too, labelled t (QUIC quirk), and other UDP as an error', () => {
    for (const [port, expected] of [[443, CLIENT_JA4], [53, null]] as const) {
      const plugin = new JA4();
      const f = flow();
      const first = packet({ ip: ipv4(17, udp(5000, port, new Uint8Array(4))) });
      first.syn = 1; // eligibility only looks at the flags
      plugin.onInit(first, f);
      plugin.onUpdate(packet({ ip: ipv4(17, udp(5000, port, CLIENT)) }), f);
      expect(f.udps.ja4).toBe(expected);
    }
  });

  it('ignores IPv6 packets', () => {
    const plugin = new JA4();
    const f = flow();
    const first = packet({ ip: ipv4(6, tcp(1, 443, SYN)) });
    plugin.onInit(first, f);
    const v6 = packet({ ip: ipv4(6, tcp(1, 443, PSH_ACK, CLIENT)), ip_version: 6 });
    plugin.onUpdate(v6, f);
    expect(f.udps.ja4).toBeNull();
  });
});
