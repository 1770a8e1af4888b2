// Writes a pcap of `n` one-packet UDP flows (distinct source address/port each), 1 ms apart.
import { writeFileSync } from 'node:fs';

export function writeUdpFlowsPcap(path: string, n: number): void {
  const frame = 14 + 20 + 8 + 4;
  const buf = Buffer.alloc(24 + n * (16 + frame));
  buf.writeUInt32LE(0xa1b2c3d4, 0);
  buf.writeUInt16LE(2, 4);
  buf.writeUInt16LE(4, 6);
  buf.writeUInt32LE(65535, 16);
  buf.writeUInt32LE(1, 20);
  let o = 24;
  for (let i = 0; i < n; i++) {
    const t = 1_700_000_000_000 + i;
    buf.writeUInt32LE(Math.floor(t / 1000), o);
    buf.writeUInt32LE((t % 1000) * 1000, o + 4);
    buf.writeUInt32LE(frame, o + 8);
    buf.writeUInt32LE(frame, o + 12);
    o += 16;
    buf.set([2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2], o);
    buf.writeUInt16BE(0x0800, o + 12);
    const ip = o + 14;
    buf.writeUInt8(0x45, ip);
    buf.writeUInt16BE(20 + 8 + 4, ip + 2);
    buf.writeUInt8(64, ip + 8);
    buf.writeUInt8(17, ip + 9);
    buf.set([10, (i >> 16) & 255, (i >> 8) & 255, i & 255], ip + 12);
    buf.set([192, 0, 2, 1], ip + 16);
    const udp = ip + 20;
    buf.writeUInt16BE(1024 + (i % 60000), udp);
    buf.writeUInt16BE(53, udp + 2);
    buf.writeUInt16BE(12, udp + 4);
    o += frame;
  }
  writeFileSync(path, buf);
}
