import { describe, expect, it } from 'vitest';
import { MDNS } from '../src/index.js';
import { be16, flow, ipv4, packet, udp, utf8 } from './helpers/packets.js';

function name(...labels: string[]): number[] {
  return [...labels.flatMap((l) => [utf8(l).length, ...utf8(l)]), 0];
}

/** A DNS message with the given section counts and body bytes. */
function dns(counts: [number, number, number, number], body: number[]): Uint8Array {
  return new Uint8Array([0, 0, 0x84, 0, ...counts.flatMap(be16), ...body]);
}

function rr(owner: number[], type: number, rdata: number[]): number[] {
  return [...owner, ...be16(type), 0, 1, 0, 0, 0, 120, ...be16(rdata.length), ...rdata];
}

function ptrs(messages: Uint8Array[], dstPort = 5353): unknown {
  const plugin = new MDNS();
  const f = flow({ dst_port: dstPort });
  messages.forEach((m, i) => {
    const p = packet({ ip: ipv4(17, udp(5353, dstPort, m)) });
    if (i === 0) plugin.onInit(p, f);
    else plugin.onUpdate(p, f);
  });
  return f.udps.mdns_ptr;
}

describe('MDNS', () => {
  it('collects PTR answer targets, commas replaced by spaces, without duplicates', () => {
    const m = dns([0, 3, 0, 0], [
      ...rr(name('_http', '_tcp', 'local'), 12, name('a,b', '_http', '_tcp', 'local')),
      ...rr(name('x', 'local'), 1, [10, 0, 0, 1]),
      // PTR target compressed: 'c' + pointer to offset 12 ('_http._tcp.local')
      ...rr(name('_http', '_tcp', 'local'), 12, [1, 99, 0xc0, 12]),
    ]);
    expect(ptrs([m, m])).toEqual(['a b._http._tcp.local', 'c._http._tcp.local']);
  });

  it('ignores PTR records outside the answer section and other ports', () => {
    const m = dns([0, 0, 0, 1], rr(name('s', 'local'), 12, name('t', 'local')));
    expect(ptrs([m])).toEqual([]);
    expect(ptrs([dns([0, 1, 0, 0], rr(name('s'), 12, name('t')))], 53)).toEqual([]);
  });

  it('skips a whole message on a forward or self compression pointer', () => {
    const ok = rr(name('s'), 12, name('t'));
    // second answer's target points at itself (offset must be strictly earlier than the name start)
    const selfOffset = 12 + ok.length + name('s').length + 10;
    const bad = rr(name('s'), 12, [0xc0 | (selfOffset >> 8), selfOffset & 255]);
    expect(ptrs([dns([0, 2, 0, 0], [...ok, ...bad])])).toEqual([]);
    expect(ptrs([dns([0, 1, 0, 0], ok)])).toEqual(['t']);
  });

  it('skips names longer than 255 bytes and truncated messages', () => {
    const at255 = Array.from({ length: 5 }, () => 'a'.repeat(50)); // Σ(length + 1) = 255: allowed
    expect(ptrs([dns([0, 1, 0, 0], rr(name('s'), 12, name(...at255)))])).toEqual([at255.join('.')]);
    const at256 = [...at255.slice(1), 'a'.repeat(51)]; // 256: rejected
    expect(ptrs([dns([0, 1, 0, 0], rr(name('s'), 12, name(...at256)))])).toEqual([]);
    const m = dns([0, 2, 0, 0], rr(name('s'), 12, name('t'))); // claims 2 answers
    expect(ptrs([m])).toEqual([]);
    expect(ptrs([new Uint8Array(11)])).toEqual([]);
  });

  it('parses questions and all sections before taking answers', () => {
    const q = [...name('q', 'local'), 0, 12, 0, 1];
    const good = dns([1, 1, 1, 1], [...q, ...rr(name('s'), 12, name('t')), ...rr(name('n'), 33, [0, 0, 0, 0, 0, 80, ...name('h')]), ...rr(name('o'), 16, [1, 65])]);
    expect(ptrs([good])).toEqual(['t']);
    const badSrv = dns([0, 1, 0, 1], [...rr(name('s'), 12, name('t')), ...rr(name('n'), 33, [0, 0, 0])]);
    expect(ptrs([badSrv])).toEqual([]);
  });

  it('throws on invalid UTF-8 in a name, as NFStream crashes (§10.1)', () => {
    const m = dns([0, 1, 0, 0], rr(name('s'), 12, [2, 0xc3, 0x28, 0]));
    expect(() => ptrs([m])).toThrow(/UTF-8/);
  });

  it('never parses IPv6 packets', () => {
    const plugin = new MDNS();
    const f = flow({ dst_port: 5353 });
    const v6 = new Uint8Array(100);
    v6[0] = 0x6f; // even with a plausible "IHL" nibble
    plugin.onInit(packet({ ip: v6 }), f);
    expect(f.udps.mdns_ptr).toEqual([]);
  });
});
