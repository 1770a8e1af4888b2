import { HEX_PAIRS, writeHexPair } from './hex-digits.js';

const COLON = 58;

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
  return writeIpv6Text(buf, pos, words, o);
}

/** Group `g` (0–7) of the IPv6 address at `words[o…o+3]`. */
function group(words: Uint32Array, o: number, g: number): number {
  const w = words[o + (g >> 1)]!;
  return (g & 1) === 0 ? w >>> 16 : w & 0xffff;
}

/**
 * IPv6 text exactly as glibc's `inet_ntop` writes it (spec §1.10), as ASCII: lowercase groups
 * without leading zeros, the longest run of ≥ 2 zero groups (first on ties) as `::`, and the last
 * 32 bits dotted for `::a.b.c.d` (zero run of exactly 6 groups at the start) and `::ffff:a.b.c.d`.
 */
function writeIpv6Text(buf: Uint8Array, pos: number, words: Uint32Array, o: number): number {
  // the longest run of ≥ 2 zero groups (the first on ties) is written as `::`
  let bestBase = -1, bestLen = 0, curBase = -1, curLen = 0;
  for (let i = 0; i < 8; i++) {
    if (group(words, o, i) === 0) {
      if (curBase === -1) {
        curBase = i;
        curLen = 1;
      } else curLen++;
    } else if (curBase !== -1) {
      if (bestBase === -1 || curLen > bestLen) {
        bestBase = curBase;
        bestLen = curLen;
      }
      curBase = -1;
    }
  }
  if (curBase !== -1 && (bestBase === -1 || curLen > bestLen)) {
    bestBase = curBase;
    bestLen = curLen;
  }
  if (bestBase !== -1 && bestLen < 2) bestBase = -1;
  for (let i = 0; i < 8; i++) {
    if (bestBase !== -1 && i >= bestBase && i < bestBase + bestLen) {
      if (i === bestBase) buf[pos++] = COLON;
      continue;
    }
    if (i !== 0) buf[pos++] = COLON;
    if (i === 6 && bestBase === 0 && (bestLen === 6 || (bestLen === 5 && group(words, o, 5) === 0xffff))) return writeIpv4Text(buf, pos, words[o + 3]!);
    pos = writeHexGroup(buf, pos, group(words, o, i));
  }
  if (bestBase !== -1 && bestBase + bestLen === 8) buf[pos++] = COLON;
  return pos;
}

/** A 16-bit group in lowercase hex without leading zeros. */
function writeHexGroup(buf: Uint8Array, pos: number, g: number): number {
  // the low digit of byte value n (< 16) is n's hex digit
  if (g >= 0x1000) buf[pos++] = HEX_PAIRS[2 * (g >>> 12) + 1]!;
  if (g >= 0x100) buf[pos++] = HEX_PAIRS[2 * ((g >>> 8) & 0xf) + 1]!;
  if (g >= 0x10) buf[pos++] = HEX_PAIRS[2 * ((g >>> 4) & 0xf) + 1]!;
  buf[pos] = HEX_PAIRS[2 * (g & 0xf) + 1]!;
  return pos + 1;
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
