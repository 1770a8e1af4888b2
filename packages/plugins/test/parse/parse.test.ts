import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ByteSpan } from '../../src/parse/byte-span.js';
import { ipTextFromInteger } from '../../src/parse/ip-text.js';
import { ipv4Payload } from '../../src/parse/ipv4-payload.js';
import { tcpPayload } from '../../src/parse/tcp-payload.js';
import { udpPayload } from '../../src/parse/udp-payload.js';
import { isValidUtf8 } from '../../src/parse/utf8-valid.js';
import { decodeUtf8Replace, decodeUtf8Strict } from '../../src/parse/utf8.js';
import { ipv4, tcp, udp } from '../helpers/packets.js';

describe('ipv4Payload / udpPayload / tcpPayload', () => {
  it('cuts the payload at the total length (padding excluded)', () => {
    const ip = ipv4(17, udp(1, 67, new Uint8Array([1, 2, 3])));
    const frame = new Uint8Array([9, 9, ...ip, 0, 0, 0, 0]);
    const span = new ByteSpan();
    expect(ipv4Payload(frame, 2, frame.length - 2, span)).toBe(17);
    expect(udpPayload(frame, span)).toBe(67);
    expect(Array.from(frame.subarray(span.start, span.end))).toEqual([1, 2, 3]);
  });

  it('uses the capture end when the total length is 0 and fails on IHL < 5, IPv6 and fragments', () => {
    const ip = ipv4(6, tcp(1, 2, 0x18, new Uint8Array([7, 8])));
    const span = new ByteSpan();
    const zero = ip.slice();
    zero[2] = zero[3] = 0;
    expect(ipv4Payload(zero, 0, zero.length, span)).toBe(6);
    expect(tcpPayload(zero, span)).toBe(true);
    expect(span.length).toBe(2);
    const badIhl = ip.slice();
    badIhl[0] = 0x44;
    expect(ipv4Payload(badIhl, 0, badIhl.length, span)).toBe(-1);
    const v6 = ip.slice();
    v6[0] = 0x65;
    expect(ipv4Payload(v6, 0, v6.length, span)).toBe(-1);
    const fragment = ip.slice();
    fragment[6] = 0x20; // MF
    expect(ipv4Payload(fragment, 0, fragment.length, span)).toBe(-1);
  });
});

describe('UTF-8', () => {
  it('isValidUtf8 agrees with a strict decoder', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 12 }), (bytes) => {
        let ok = true;
        try {
          decodeUtf8Strict(bytes, 'x');
        } catch {
          ok = false;
        }
        expect(isValidUtf8(bytes, 0, bytes.length)).toBe(ok);
      }),
      { numRuns: 5000 },
    );
    for (const s of ['é', '€', '😀', 'a\u{10ffff}']) {
      const b = new TextEncoder().encode(s);
      expect(isValidUtf8(b, 0, b.length)).toBe(true);
    }
    expect(isValidUtf8(new Uint8Array([0xed, 0xa0, 0x80]), 0, 3)).toBe(false); // surrogate
  });

  it('keeps a leading BOM like Python and replaces invalid bytes on request', () => {
    expect(decodeUtf8Strict(new Uint8Array([0xef, 0xbb, 0xbf, 0x61]), 'x')).toBe('\uFEFFa');
    expect(decodeUtf8Replace(new Uint8Array([0x61, 0xff]))).toBe('a\uFFFD');
  });
});

describe('ipTextFromInteger', () => {
  it('gives IPv4 below 2^32, compressed IPv6 below 2^128, an error above', () => {
    expect(ipTextFromInteger(new Uint8Array([192, 168, 0, 10]))).toBe('192.168.0.10');
    expect(ipTextFromInteger(new Uint8Array([1]))).toBe('0.0.0.1');
    expect(ipTextFromInteger(new Uint8Array([0, 0, 0, 0, 1, 2, 3, 4]))).toBe('1.2.3.4');
    expect(ipTextFromInteger(new Uint8Array([0x20, 1, 0x0d, 0xb8, ...new Array(11).fill(0), 1]))).toBe('2001:db8::1');
    expect(ipTextFromInteger(new Uint8Array([1, 0, 0, 0, 0]))).toBe('::1:0:0');
    expect(ipTextFromInteger(new Uint8Array([0, 1, 0, 0, 0, 2, 0, 3, 0, 4, 0, 5, 0, 6, 0, 0]))).toBe('1:0:2:3:4:5:6:0');
    expect(() => ipTextFromInteger(new Uint8Array(17).fill(1))).toThrow(RangeError);
  });
});
