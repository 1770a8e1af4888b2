/**
 * Where an encoder writes bytes: the buffer being filled and the next position. An encoder that
 * finds less room than a row needs stops, leaving `pos` after the last whole row, and sets `need`
 * to the bytes it wanted; the output then makes room (see `ByteOutput.makeRoom`).
 */
export interface ByteCursor {
  buf: Buffer;
  pos: number;
  need: number;
}

/**
 * Writes `s` at `pos` (ASCII byte by byte; UTF-8 when it holds other characters) and returns the
 * position after it. The caller has made room for `3 * s.length` bytes.
 */
export function writeText(buf: Buffer, pos: number, s: string): number {
  const start = pos;
  for (let k = 0; k < s.length; k++) {
    const c = s.charCodeAt(k);
    if (c >= 0x80) return start + buf.write(s, start, 'utf8');
    buf[pos++] = c;
  }
  return pos;
}

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
