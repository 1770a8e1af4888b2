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
