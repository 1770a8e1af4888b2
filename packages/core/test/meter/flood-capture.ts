import { closeSync, openSync, writeSync } from 'node:fs';

/** Bytes of one record of {@link writeFloodCapture}: pcap record header + IPv4 + UDP. */
export const FLOOD_RECORD_BYTES = 16 + 28;

/**
 * Writes a pcap (LINKTYPE_RAW) of `flows` single-packet UDP flows, each with its own source
 * address (10.0.0.0/8 counting up, then the source port), one every `spacingUs` µs from
 * `startSec`. Written straight into chunks: millions of records take a fraction of a second.
 */
export function writeFloodCapture(path: string, flows: number, startSec = 1_700_000_000, spacingUs = 1): void {
  const fd = openSync(path, 'w');
  try {
    const header = new DataView(new ArrayBuffer(24));
    header.setUint32(0, 0xa1b2c3d4, true);
    header.setUint16(4, 2, true);
    header.setUint16(6, 4, true);
    header.setUint32(16, 65535, true);
    header.setUint32(20, 101, true); // LINKTYPE_RAW
    writeSync(fd, new Uint8Array(header.buffer));
    const chunkRecords = 65536;
    const chunk = new Uint8Array(chunkRecords * FLOOD_RECORD_BYTES);
    const view = new DataView(chunk.buffer);
    for (let first = 0; first < flows; first += chunkRecords) {
      const n = Math.min(chunkRecords, flows - first);
      for (let k = 0; k < n; k++) {
        const i = first + k;
        const o = k * FLOOD_RECORD_BYTES;
        const us = i * spacingUs;
        view.setUint32(o, startSec + Math.floor(us / 1e6), true);
        view.setUint32(o + 4, us % 1e6, true);
        view.setUint32(o + 8, 28, true);
        view.setUint32(o + 12, 28, true);
        const ip = o + 16;
        view.setUint32(ip, 0x4500001c); // v4, IHL 5, total length 28
        view.setUint32(ip + 4, 0);
        view.setUint32(ip + 8, 0x40110000); // TTL 64, UDP, checksum 0
        view.setUint32(ip + 12, (0x0a000000 | (i & 0xffffff)) >>> 0); // 10.x.y.z
        view.setUint32(ip + 16, 0xc0a80001); // 192.168.0.1
        view.setUint16(ip + 20, 1024 + (i >>> 24)); // source port
        view.setUint16(ip + 22, 53);
        view.setUint32(ip + 24, 0x00080000); // UDP length 8, checksum 0
      }
      writeSync(fd, chunk, 0, n * FLOOD_RECORD_BYTES);
    }
  } finally {
    closeSync(fd);
  }
}
