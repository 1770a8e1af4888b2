/** Two-digit lowercase hex of every byte value. */
const HEX2: readonly string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/**
 * Dotted-decimal text of an IPv4 address word (network order in a u32).
 *
 * @example ipv4Text(0x0a000001) // '10.0.0.1'
 */
export function ipv4Text(word: number): string {
  return `${word >>> 24}.${(word >>> 16) & 0xff}.${(word >>> 8) & 0xff}.${word & 0xff}`;
}

/**
 * IPv6 text exactly as glibc's `inet_ntop` writes it (spec §1.10): lowercase groups without leading
 * zeros, the longest run of ≥ 2 zero groups (first on ties) as `::`, and the last 32 bits dotted for
 * `::a.b.c.d` (zero run of exactly 6 groups at the start) and `::ffff:a.b.c.d`.
 *
 * @example ipv6Text(0, 0, 0xffff, 0x01020304) // '::ffff:1.2.3.4'
 */
export function ipv6Text(w0: number, w1: number, w2: number, w3: number): string {
  const g0 = w0 >>> 16, g1 = w0 & 0xffff, g2 = w1 >>> 16, g3 = w1 & 0xffff;
  const g4 = w2 >>> 16, g5 = w2 & 0xffff, g6 = w3 >>> 16, g7 = w3 & 0xffff;
  const groups = [g0, g1, g2, g3, g4, g5, g6, g7];
  let bestBase = -1, bestLen = 0, curBase = -1, curLen = 0;
  for (let i = 0; i < 8; i++) {
    if (groups[i] === 0) {
      if (curBase === -1) {
        curBase = i;
        curLen = 1;
      } else {
        curLen++;
      }
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
  let text = '';
  for (let i = 0; i < 8; i++) {
    if (bestBase !== -1 && i >= bestBase && i < bestBase + bestLen) {
      if (i === bestBase) text += ':';
      continue;
    }
    if (i !== 0) text += ':';
    if (i === 6 && bestBase === 0 && (bestLen === 6 || (bestLen === 5 && g5 === 0xffff))) {
      return text + ipv4Text(w3);
    }
    text += groups[i].toString(16);
  }
  if (bestBase !== -1 && bestBase + bestLen === 8) text += ':';
  return text;
}

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
