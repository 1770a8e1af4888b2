import { MAX_ADDRESS_TEXT, writeIpText } from './address-text-bytes.js';
import { HEX2 } from './hex-digits.js';

/**
 * Dotted-decimal text of an IPv4 address word (network order in a u32).
 *
 * @example ipv4Text(0x0a000001) // '10.0.0.1'
 */
export function ipv4Text(word: number): string {
  return `${word >>> 24}.${(word >>> 16) & 0xff}.${(word >>> 8) & 0xff}.${word & 0xff}`;
}

/**
 * IPv6 text exactly as glibc's `inet_ntop` writes it (spec §1.10; the rules are in
 * `writeIpText`, which outputs use to write it without a string).
 *
 * @example ipv6Text(0, 0, 0xffff, 0x01020304) // '::ffff:1.2.3.4'
 */
export function ipv6Text(w0: number, w1: number, w2: number, w3: number): string {
  scratchWords[0] = w0;
  scratchWords[1] = w1;
  scratchWords[2] = w2;
  scratchWords[3] = w3;
  const n = writeIpText(scratchText, 0, scratchWords, 0, 6);
  return String.fromCharCode.apply(null, scratchText.subarray(0, n) as unknown as number[]);
}

const scratchWords = new Uint32Array(4);
const scratchText = new Uint8Array(MAX_ADDRESS_TEXT);

/**
 * `xx:xx:xx:xx:xx:xx` text of a MAC held as a 48-bit integer.
 *
 * @example macText(0x001122334455) // '00:11:22:33:44:55'
 */
export function macText(mac: number): string {
  const hi = Math.floor(mac / 4294967296);
  const lo = mac >>> 0;
  return `${HEX2[(hi >>> 8) & 0xff]}:${HEX2[hi & 0xff]}:${HEX2[lo >>> 24]}:${HEX2[(lo >>> 16) & 0xff]}:${HEX2[(lo >>> 8) & 0xff]}:${HEX2[lo & 0xff]}`;
}

/**
 * OUI text: the first three bytes of a MAC (the first 8 characters of {@link macText}).
 *
 * @example ouiText(0x001122334455) // '00:11:22'
 */
export function ouiText(mac: number): string {
  const hi = Math.floor(mac / 4294967296);
  const lo = mac >>> 0;
  return `${HEX2[(hi >>> 8) & 0xff]}:${HEX2[hi & 0xff]}:${HEX2[lo >>> 24]}`;
}
