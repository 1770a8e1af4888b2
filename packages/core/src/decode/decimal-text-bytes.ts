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
  let lo = (v - hi * 1e8) | 0;
  pos = writeUint32(buf, pos, hi);
  for (let p = pos + 6; p >= pos; p -= 2) {
    const q = (lo / 100) | 0;
    const r = (lo - q * 100) * 2;
    buf[p] = DIGIT_PAIRS[r]!;
    buf[p + 1] = DIGIT_PAIRS[r + 1]!;
    lo = q;
  }
  return pos + 8;
}

function writeUint32(buf: Uint8Array, pos: number, n: number): number {
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
