/**
 * Address texts of a batch (glibc `inet_ntop` forms, MAC `aa:bb:…`) written as network-order
 * bytes straight into a message buffer: no intermediate array per flow.
 */

/** Writes dotted-quad `text` as 4 bytes at `o`; false when it is not one. */
export function writeIpv4(text: string, buf: Buffer, o: number): boolean {
  let part = 0;
  let digits = 0;
  let n = 0;
  for (let i = 0; i <= text.length; i++) {
    const c = i < text.length ? text.charCodeAt(i) : 46;
    if (c === 46) {
      if (digits === 0 || part > 255 || n > 3) return false;
      buf[o + n++] = part;
      part = 0;
      digits = 0;
    } else if (c >= 48 && c <= 57) {
      part = part * 10 + (c - 48);
      digits++;
    } else return false;
  }
  return n === 4;
}

function hex(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

/**
 * Writes IPv6 `text` (with `::` and an embedded dotted quad allowed) as 16 bytes at `o`; false
 * when it is not one.
 *
 * @example writeIpv6('2001:db8::1', buf, 0) // buf[0..16) = 20 01 0d b8 00 … 00 01
 */
export function writeIpv6(text: string, buf: Buffer, o: number): boolean {
  buf.fill(0, o, o + 16);
  let n = 0; // 16-bit groups written
  let gap = -1; // group index of `::`
  let i = 0;
  const len = text.length;
  if (len >= 2 && text.charCodeAt(0) === 58 && text.charCodeAt(1) === 58) {
    gap = 0;
    i = 2;
  }
  while (i < len) {
    let j = i;
    let v = 0;
    while (j < len && j - i < 4 && hex(text.charCodeAt(j)) >= 0) v = (v << 4) | hex(text.charCodeAt(j++));
    if (j < len && text.charCodeAt(j) === 46) {
      // trailing dotted quad: the last 32 bits
      if (n > 6 || !writeIpv4(text.slice(i), buf, o + n * 2)) return false;
      n += 2;
      i = len;
      break;
    }
    if (j === i || n === 8) return false;
    buf[o + n * 2] = v >>> 8;
    buf[o + n * 2 + 1] = v & 0xff;
    n++;
    if (j === len) {
      i = j;
      break;
    }
    if (text.charCodeAt(j) !== 58) return false;
    if (j + 1 < len && text.charCodeAt(j + 1) === 58) {
      if (gap >= 0) return false;
      gap = n;
      i = j + 2;
    } else {
      i = j + 1;
      if (i === len) return false;
    }
  }
  if (gap < 0) return n === 8;
  if (n > 7) return false;
  // move the groups after `::` to the end
  const tail = (n - gap) * 2;
  buf.copyWithin(o + 16 - tail, o + gap * 2, o + n * 2);
  buf.fill(0, o + gap * 2, o + 16 - tail);
  return true;
}

/** Writes MAC `aa:bb:cc:dd:ee:ff` as 6 bytes at `o` (zeros when the text is not a MAC). */
export function writeMac(text: string, buf: Buffer, o: number): void {
  if (text.length !== 17) {
    buf.fill(0, o, o + 6);
    return;
  }
  for (let k = 0; k < 6; k++) {
    const hi = hex(text.charCodeAt(k * 3));
    const lo = hex(text.charCodeAt(k * 3 + 1));
    buf[o + k] = hi < 0 || lo < 0 ? 0 : (hi << 4) | lo;
  }
}
