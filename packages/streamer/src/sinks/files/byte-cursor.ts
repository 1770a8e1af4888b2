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

/**
 * Writes the decimal digits of an integer `0 ≤ v ≤ 2^53` and returns the position after them
 * (the text of `String(v)`, without building it).
 */
export function writeDigits(buf: Uint8Array, pos: number, v: number): number {
  if (v < 4294967296) return writeUint32(buf, pos, v >>> 0);
  const hi = Math.floor(v / 1e8);
  let lo = v - hi * 1e8;
  pos = writeUint32(buf, pos, hi);
  for (let p = pos + 7; p >= pos; p--) {
    const q = Math.floor(lo / 10);
    buf[p] = 48 + lo - q * 10;
    lo = q;
  }
  return pos + 8;
}

function writeUint32(buf: Uint8Array, pos: number, n: number): number {
  const len = n < 10 ? 1 : n < 100 ? 2 : n < 1000 ? 3 : n < 1e4 ? 4 : n < 1e5 ? 5 : n < 1e6 ? 6 : n < 1e7 ? 7 : n < 1e8 ? 8 : n < 1e9 ? 9 : 10;
  let p = pos + len;
  do {
    const q = (n / 10) >>> 0;
    buf[--p] = 48 + n - q * 10;
    n = q;
  } while (n !== 0);
  return pos + len;
}
