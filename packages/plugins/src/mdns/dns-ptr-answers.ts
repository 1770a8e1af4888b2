import { skipDnsName } from './dns-name.js';

const PTR = 12;

/**
 * Walks a whole DNS message `data[base, end)` as dpkt unpacks it (header, questions, answer,
 * authority and additional records, the names inside NS/CNAME/PTR/SOA/MX/SRV data) and stores
 * the offsets (relative to `base`) of the PTR targets of the answer section in `out`.
 *
 * Record data may run past the end of the message when nothing follows it, as in dpkt.
 *
 * @returns false on any truncation or format error (the packet is then skipped, spec §10.3);
 *   throws on invalid UTF-8 in a name (spec §10.1).
 * @example
 * ```ts
 * const targets: number[] = [];
 * if (dnsPtrAnswers(payload, 0, payload.length, targets)) for (const o of targets) readDnsName(payload, 0, o);
 * ```
 */
export function dnsPtrAnswers(data: Uint8Array, base: number, end: number, out: number[]): boolean {
  out.length = 0;
  const length = end - base;
  if (length < 12) return false;
  const be16 = (o: number): number => (data[base + o]! << 8) | data[base + o + 1]!;
  const questions = be16(4);
  let off = 12;
  for (let q = 0; q < questions; q++) {
    off = skipDnsName(data, base, end, off);
    if (off < 0 || off + 4 > length) return false;
    off += 4;
  }
  for (let section = 0; section < 3; section++) {
    const count = be16(6 + 2 * section);
    for (let r = 0; r < count; r++) {
      off = skipDnsName(data, base, end, off);
      if (off < 0 || off + 10 > length) return false;
      const type = be16(off);
      const rdataLength = be16(off + 8);
      off += 10;
      const available = Math.min(rdataLength, length - off);
      switch (type) {
        case 2: // NS
        case 5: // CNAME
        case PTR:
          if (skipDnsName(data, base, end, off) < 0) return false;
          if (type === PTR && section === 0) out.push(off);
          break;
        case 6: {
          // SOA: two names and five 32-bit integers.
          let o = skipDnsName(data, base, end, off);
          if (o >= 0) o = skipDnsName(data, base, end, o);
          if (o < 0 || o + 20 > length) return false;
          break;
        }
        case 15: // MX: preference, then a name.
          if (available < 2 || skipDnsName(data, base, end, off + 2) < 0) return false;
          break;
        case 33: // SRV: priority, weight, port, then a name.
          if (available < 6 || skipDnsName(data, base, end, off + 6) < 0) return false;
          break;
      }
      off += rdataLength;
    }
  }
  return true;
}
