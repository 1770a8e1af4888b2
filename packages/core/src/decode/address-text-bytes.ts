import { ipv6Text } from './address-text.js';

/** ASCII codes of the two lowercase hex digits of every byte value, high digit first. */
const HEX_PAIRS = new Uint8Array(512);
for (let i = 0; i < 256; i++) {
  const t = i.toString(16).padStart(2, '0');
  HEX_PAIRS[2 * i] = t.charCodeAt(0);
  HEX_PAIRS[2 * i + 1] = t.charCodeAt(1);
}

/** Longest text of an address: an IPv6 address in `inet_ntop` form. */
export const MAX_ADDRESS_TEXT = 45;

/**
 * Writes the text of {@link ipv4Text} as ASCII at `pos`; returns the position after it. Outputs
 * that write bytes (CSV, Arrow) use these instead of building a string per address.
 */
export function writeIpv4Text(buf: Uint8Array, pos: number, word: number): number {
  pos = writeOctet(buf, pos, word >>> 24);
  buf[pos++] = 46;
  pos = writeOctet(buf, pos, (word >>> 16) & 0xff);
  buf[pos++] = 46;
  pos = writeOctet(buf, pos, (word >>> 8) & 0xff);
  buf[pos++] = 46;
  return writeOctet(buf, pos, word & 0xff);
}

/**
 * Writes the text of the address at `words[o…o+3]` (IPv4: `words[o]` alone) as ASCII: the same
 * text as `ipv4Text`/`ipv6Text` (spec §4). Returns the position after it.
 */
export function writeIpText(buf: Uint8Array, pos: number, words: Uint32Array, o: number, version: number): number {
  if (version !== 6) return writeIpv4Text(buf, pos, words[o]!);
  const t = ipv6Text(words[o]!, words[o + 1]!, words[o + 2]!, words[o + 3]!);
  for (let k = 0; k < t.length; k++) buf[pos++] = t.charCodeAt(k);
  return pos;
}

/** Writes the `xx:xx:xx:xx:xx:xx` text of a MAC held as a 48-bit integer (see `macText`). */
export function writeMacText(buf: Uint8Array, pos: number, mac: number): number {
  const hi = Math.floor(mac / 4294967296);
  const lo = mac >>> 0;
  pos = writeHexPair(buf, pos, (hi >>> 8) & 0xff);
  buf[pos++] = 58;
  pos = writeHexPair(buf, pos, hi & 0xff);
  buf[pos++] = 58;
  pos = writeHexPair(buf, pos, lo >>> 24);
  buf[pos++] = 58;
  pos = writeHexPair(buf, pos, (lo >>> 16) & 0xff);
  buf[pos++] = 58;
  pos = writeHexPair(buf, pos, (lo >>> 8) & 0xff);
  buf[pos++] = 58;
  return writeHexPair(buf, pos, lo & 0xff);
}

/** Writes the OUI text (the first three bytes, `xx:xx:xx`) of a MAC held as a 48-bit integer (see `ouiText`). */
export function writeOuiText(buf: Uint8Array, pos: number, mac: number): number {
  const hi = Math.floor(mac / 4294967296);
  pos = writeHexPair(buf, pos, (hi >>> 8) & 0xff);
  buf[pos++] = 58;
  pos = writeHexPair(buf, pos, hi & 0xff);
  buf[pos++] = 58;
  return writeHexPair(buf, pos, mac >>> 24);
}

function writeHexPair(buf: Uint8Array, pos: number, b: number): number {
  buf[pos] = HEX_PAIRS[2 * b]!;
  buf[pos + 1] = HEX_PAIRS[2 * b + 1]!;
  return pos + 2;
}

/** ASCII digits of every byte value, three slots per value, and their counts. */
const OCTET_DIGITS = new Uint8Array(256 * 3);
const OCTET_LENGTH = new Uint8Array(256);
for (let b = 0; b < 256; b++) {
  const t = String(b);
  OCTET_LENGTH[b] = t.length;
  for (let k = 0; k < t.length; k++) OCTET_DIGITS[b * 3 + k] = t.charCodeAt(k);
}

function writeOctet(buf: Uint8Array, pos: number, b: number): number {
  const o = b * 3;
  const n = OCTET_LENGTH[b]!;
  buf[pos] = OCTET_DIGITS[o]!;
  if (n > 1) {
    buf[pos + 1] = OCTET_DIGITS[o + 1]!;
    if (n > 2) buf[pos + 2] = OCTET_DIGITS[o + 2]!;
  }
  return pos + n;
}
