import { describe, expect, it } from 'vitest';
import { cString } from '../../src/dissect/c-string.js';

const bytes = (...b: number[]) => new Uint8Array(b);
const utf8 = (s: string) => new TextEncoder().encode(s);

describe('cString (spec §11: UTF-8, invalid bytes dropped, C buffer limits)', () => {
  it('stops at the NUL and at the byte limit', () => {
    expect(cString(bytes(0x61, 0x62, 0, 0x63), 0, 10)).toBe('ab');
    expect(cString(utf8('abcdef'), 1, 3)).toBe('bcd');
    expect(cString(utf8('abc'), 0, 79)).toBe('abc');
  });

  it('decodes valid multi-byte UTF-8', () => {
    expect(cString(utf8('é€😀x'), 0, 79)).toBe('é€😀x');
  });

  it("drops invalid bytes like Python's errors='ignore'", () => {
    expect(cString(bytes(0x61, 0xff, 0x62), 0, 10)).toBe('ab'); // invalid lead
    expect(cString(bytes(0x61, 0x80, 0x62), 0, 10)).toBe('ab'); // lone continuation
    expect(cString(bytes(0xe2, 0x82, 0x41), 0, 10)).toBe('A'); // truncated 3-byte sequence
    expect(cString(bytes(0xc0, 0xaf, 0x41), 0, 10)).toBe('A'); // overlong
    expect(cString(bytes(0xed, 0xa0, 0x80, 0x41), 0, 10)).toBe('A'); // surrogate
    expect(cString(bytes(0xf4, 0x90, 0x80, 0x80, 0x41), 0, 10)).toBe('A'); // > U+10FFFF
  });

  it('reads ASCII text (the common case, decoded at once) up to the NUL or the limit, from any start', () => {
    let seed = 11;
    const rnd = () => (seed = (seed * 1103515245 + 12345) >>> 0) >>> 24;
    for (let n = 0; n < 500; n++) {
      const b = new Uint8Array(1 + (rnd() % 40)).map(() => rnd() & 0x7f);
      const start = rnd() % b.length;
      const max = rnd() % 48;
      const end = Math.min(b.length, start + max);
      const nul = b.indexOf(0, start);
      const stop = nul >= 0 && nul < end ? nul : end;
      expect(cString(b, start, max)).toBe(String.fromCharCode(...b.subarray(start, stop)));
    }
  });

  it('drops a multi-byte character cut by the byte limit', () => {
    expect(cString(utf8('aé'), 0, 2)).toBe('a');
  });

  it('matches TextDecoder on valid input and drops exactly the U+FFFD positions on fuzzed input', () => {
    let seed = 7;
    const rnd = () => (seed = (seed * 1103515245 + 12345) >>> 0) >>> 24;
    for (let n = 0; n < 500; n++) {
      const b = new Uint8Array(1 + (rnd() % 24)).map(() => rnd() || 1);
      const expected = new TextDecoder('utf-8', { fatal: false }).decode(b).replaceAll('\uFFFD', '');
      expect(cString(b, 0, b.length)).toBe(expected);
    }
  });
});
