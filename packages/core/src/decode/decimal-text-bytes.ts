/** ASCII of "00" … "99", two bytes per value: digits are written two at a time. */
const DIGIT_PAIRS = new Uint8Array(200);
for (let i = 0; i < 100; i++) {
  DIGIT_PAIRS[2 * i] = 48 + ((i / 10) | 0);
  DIGIT_PAIRS[2 * i + 1] = 48 + (i % 10);
}

/**
 * Writes the decimal digits of an integer `0 ≤ v ≤ 2^53` and returns the position after them
 * (the text of `String(v)`, without building it).
 */
export function writeDigits(buf: Uint8Array, pos: number, v: number): number {
  if (v < 4294967296) return writeUint32(buf, pos, v >>> 0);
  // millisecond times (13 digits) land here: the high part, then exactly 8 low digits
  const hi = Math.floor(v / 1e8);
  return writeHighLow(buf, pos, hi, (v - hi * 1e8) | 0);
}

/**
 * Writes the integer `hi * 1e8 + lo` for `1 ≤ hi < 2^32` and `0 ≤ lo < 1e8` (`hi`'s digits, then
 * `lo`'s as exactly eight) and returns the position after it. Callers that split a large value
 * themselves pass two small integers, which a call that is not inlined does not box.
 */
export function writeHighLow(buf: Uint8Array, pos: number, hi: number, lo: number): number {
  if (hi >= 10000 && hi < 100000) {
    // a 13-digit time (2001 to 2286 in ms): five high digits, unrolled
    const a = (hi / 1000) | 0;
    const b = hi - a * 1000;
    const b1 = (b / 10) | 0;
    buf[pos] = DIGIT_PAIRS[a * 2]!;
    buf[pos + 1] = DIGIT_PAIRS[a * 2 + 1]!;
    buf[pos + 2] = DIGIT_PAIRS[b1 * 2]!;
    buf[pos + 3] = DIGIT_PAIRS[b1 * 2 + 1]!;
    buf[pos + 4] = 48 + b - b1 * 10;
    pos += 5;
  } else pos = writeUint32(buf, pos, hi);
  // four digit pairs, high first
  const c = (lo / 10000) | 0;
  const d = lo - c * 10000;
  const c1 = (c / 100) | 0;
  const c0 = (c - c1 * 100) * 2;
  const d1 = (d / 100) | 0;
  const d0 = (d - d1 * 100) * 2;
  buf[pos] = DIGIT_PAIRS[c1 * 2]!;
  buf[pos + 1] = DIGIT_PAIRS[c1 * 2 + 1]!;
  buf[pos + 2] = DIGIT_PAIRS[c0]!;
  buf[pos + 3] = DIGIT_PAIRS[c0 + 1]!;
  buf[pos + 4] = DIGIT_PAIRS[d1 * 2]!;
  buf[pos + 5] = DIGIT_PAIRS[d1 * 2 + 1]!;
  buf[pos + 6] = DIGIT_PAIRS[d0]!;
  buf[pos + 7] = DIGIT_PAIRS[d0 + 1]!;
  return pos + 8;
}

/** Writes the digits of an integer `0 ≤ n < 2^32` and returns the position after them. */
export function writeUint32(buf: Uint8Array, pos: number, n: number): number {
  const len = n < 10 ? 1 : n < 100 ? 2 : n < 1000 ? 3 : n < 1e4 ? 4 : n < 1e5 ? 5 : n < 1e6 ? 6 : n < 1e7 ? 7 : n < 1e8 ? 8 : n < 1e9 ? 9 : 10;
  let p = pos + len;
  while (n >= 100) {
    const q = (n / 100) >>> 0;
    const r = (n - q * 100) * 2;
    buf[--p] = DIGIT_PAIRS[r + 1]!;
    buf[--p] = DIGIT_PAIRS[r]!;
    n = q;
  }
  if (n >= 10) {
    buf[--p] = DIGIT_PAIRS[n * 2 + 1]!;
    buf[--p] = DIGIT_PAIRS[n * 2]!;
  } else buf[--p] = 48 + n;
  return pos + len;
}
