// Text forms (spec §1.10): glibc inet_ntop for IPv6, dotted IPv4, MAC and OUI.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { writeIpText, writeMacText, writeOuiText } from '../../src/decode/address-text-bytes.js';
import { ipv4Text, ipv6Text, macText, ouiText } from '../../src/decode/address-text.js';

/** Node's (WHATWG URL) IPv6 serialisation: same compression rules, but never a dotted tail. */
function nodeText(words: number[]): string {
  const groups: string[] = [];
  for (const w of words) groups.push((w >>> 16).toString(16), (w & 0xffff).toString(16));
  return new URL(`http://[${groups.join(':')}]/`).hostname.slice(1, -1);
}

const hasDottedTail = (w: number[]) =>
  w[0] === 0 && w[1] === 0 && ((w[2] === 0 && w[3] >>> 16 !== 0) || w[2] === 0xffff);

describe('ipv6Text', () => {
  it('glibc cases', () => {
    expect(ipv6Text(0, 0, 0xffff, 0x01020304)).toBe('::ffff:1.2.3.4');
    expect(ipv6Text(0, 0, 0xffff, 0x0a000001)).toBe('::ffff:10.0.0.1');
    expect(ipv6Text(0, 0, 0, 0x01020304)).toBe('::1.2.3.4');
    expect(ipv6Text(0, 0, 0, 0x00010203)).toBe('::0.1.2.3');
    expect(ipv6Text(0, 0, 0, 1)).toBe('::1');
    expect(ipv6Text(0, 0, 0, 0x0000ffff)).toBe('::ffff');
    expect(ipv6Text(0, 0, 0, 0)).toBe('::');
    expect(ipv6Text(0x00010000, 0, 0, 0)).toBe('1::');
    expect(ipv6Text(0, 0, 0x0001ffff, 0x01020304)).toBe('::1:ffff:102:304');
    expect(ipv6Text(0x00000001, 0x00020003, 0x00040005, 0x00060007)).toBe('0:1:2:3:4:5:6:7');
    expect(ipv6Text(0x20010db8, 0x00010000, 0x00010000, 0x00000001)).toBe('2001:db8:1:0:1::1');
    // Longest run wins; on ties the first one.
    expect(ipv6Text(0x20010000, 0x00000001, 0x00000000, 0x00000001)).toBe('2001:0:0:1::1');
    expect(ipv6Text(0x20010000, 0x00000001, 0x00000000, 0x00010001)).toBe('2001::1:0:0:1:1');
    expect(ipv6Text(0x20010db8, 0, 0, 1)).toBe('2001:db8::1');
    expect(ipv6Text(0xfe800000, 0, 0, 0)).toBe('fe80::');
    expect(ipv6Text(0x20010db8, 0x00000001, 0, 1)).toBe('2001:db8:0:1::1');
  });
  it('agrees with Node where no dotted IPv4 tail applies', () => {
    // Bias towards zero groups so that compression cases are frequent.
    const word = fc.oneof(fc.constant(0), fc.constant(0xffff), fc.constant(0x10000), fc.nat(0xffffffff));
    fc.assert(
      fc.property(fc.tuple(word, word, word, word), (w) => {
        fc.pre(!hasDottedTail(w));
        expect(ipv6Text(w[0], w[1], w[2], w[3])).toBe(nodeText(w));
      }),
      { numRuns: 3000 },
    );
  });
});

describe('ipv4Text, macText, ouiText', () => {
  it('formats', () => {
    expect(ipv4Text(0x0a000001)).toBe('10.0.0.1');
    expect(ipv4Text(0xffffffff)).toBe('255.255.255.255');
    expect(ipv4Text(0)).toBe('0.0.0.0');
    expect(macText(0x001122334455)).toBe('00:11:22:33:44:55');
    expect(macText(0xffffffffffff)).toBe('ff:ff:ff:ff:ff:ff');
    expect(macText(0)).toBe('00:00:00:00:00:00');
    expect(ouiText(0x80c6ca009e9f)).toBe('80:c6:ca');
  });
  it('OUI is the first 8 characters of the MAC text', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 2 ** 48 - 1 }), (m) => ouiText(m) === macText(m).slice(0, 8)));
  });
});

describe('address texts written as bytes (CSV and Arrow outputs)', () => {
  const buf = new Uint8Array(64);
  const written = (end: number) => Buffer.from(buf.subarray(0, end)).toString('latin1');
  const word = fc.integer({ min: 0, max: 0xffffffff });

  it('equal the string forms for every IPv4 and IPv6 address, MAC and OUI', () => {
    fc.assert(
      // zero runs of every length, the dotted tails, and groups of 1 to 4 hex digits
      fc.property(fc.array(fc.oneof(word, fc.constant(0), fc.constant(0xffff), fc.constant(0x10000), fc.integer({ min: 0, max: 0xfff }), fc.integer({ min: 0, max: 0x00ff00ff })), { minLength: 4, maxLength: 4 }), (w) => {
        const words = Uint32Array.from(w);
        expect(written(writeIpText(buf, 0, words, 0, 4))).toBe(ipv4Text(words[0]!));
        expect(written(writeIpText(buf, 0, words, 0, 6))).toBe(ipv6Text(words[0]!, words[1]!, words[2]!, words[3]!));
        // at an offset, as rows of a batch are
        const row = new Uint32Array(12);
        row.set(words, 8);
        expect(written(writeIpText(buf, 0, row, 8, 6))).toBe(ipv6Text(words[0]!, words[1]!, words[2]!, words[3]!));
      }),
      { numRuns: 5000 },
    );
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 48 - 1 }), (mac) => {
        expect(written(writeMacText(buf, 0, mac))).toBe(macText(mac));
        expect(written(writeOuiText(buf, 0, mac))).toBe(ouiText(mac));
      }),
    );
    for (let b = 0; b < 256; b++) expect(written(writeIpText(buf, 0, Uint32Array.of(Math.imul(b, 0x01010101) >>> 0), 0, 4))).toBe(`${b}.${b}.${b}.${b}`);
  });
});
