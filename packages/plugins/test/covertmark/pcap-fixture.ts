import { readFileSync } from 'node:fs';

/** One frame of a classic pcap: timestamp, wire length and the bytes from the IP header on. */
export interface PcapIpFrame {
  tsSec: number;
  tsNsec: number;
  wireLength: number;
  ip: Uint8Array;
}

/**
 * Minimal classic-pcap reader for tests (Ethernet with optional 802.1Q tags, raw IP): yields the
 * IP part of each IPv4/IPv6 frame. Non-IP frames are skipped.
 */
export function readPcapIpFrames(path: string): PcapIpFrame[] {
  const buf = new Uint8Array(readFileSync(path));
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const magic = dv.getUint32(0, true);
  let le: boolean;
  let nano: boolean;
  if (magic === 0xa1b2c3d4 || magic === 0xa1b23c4d) {
    le = true;
    nano = magic === 0xa1b23c4d;
  } else {
    le = false;
    nano = dv.getUint32(0, false) === 0xa1b23c4d;
  }
  const linkType = dv.getUint32(20, le);
  const out: PcapIpFrame[] = [];
  for (let off = 24; off + 16 <= buf.length; ) {
    const sec = dv.getUint32(off, le);
    const frac = dv.getUint32(off + 4, le);
    const incl = dv.getUint32(off + 8, le);
    const orig = dv.getUint32(off + 12, le);
    const frame = buf.subarray(off + 16, off + 16 + incl);
    off += 16 + incl;
    let ipOff: number;
    if (linkType === 1) {
      ipOff = 12;
      let type = (frame[ipOff]! << 8) | frame[ipOff + 1]!;
      while (type === 0x8100 || type === 0x88a8) {
        ipOff += 4;
        type = (frame[ipOff]! << 8) | frame[ipOff + 1]!;
      }
      if (type !== 0x0800 && type !== 0x86dd) continue;
      ipOff += 2;
    } else if (linkType === 101 || linkType === 228 || linkType === 229) ipOff = 0;
    else continue;
    out.push({ tsSec: sec, tsNsec: nano ? frac : frac * 1000, wireLength: orig, ip: frame.subarray(ipOff) });
  }
  return out;
}
