import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tableFromIPC } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { NFStreamer } from '@flowstream/streamer';
import { pcap } from '../../../core/test/support/capture-builder.js';
import { csvText } from '../../../../test/support/csv-text.js';

/** An Ethernet/IPv4/UDP frame 10.0.0.1:1000 → 10.0.0.2:53. */
function udpFrame(): Uint8Array {
  const f = new Uint8Array(14 + 20 + 8 + 4);
  const v = new DataView(f.buffer);
  v.setUint16(12, 0x0800);
  f[14] = 0x45;
  v.setUint16(16, 20 + 8 + 4);
  f[22] = 64;
  f[23] = 17;
  f.set([10, 0, 0, 1], 26);
  f.set([10, 0, 0, 2], 30);
  v.setUint16(34, 1000);
  v.setUint16(36, 53);
  v.setUint16(38, 12);
  return f;
}

const dir = mkdtempSync(join(tmpdir(), 'fs-u64-'));

/** A capture whose records carry these (sec as signed 32-bit, usec) stamps. */
function capture(name: string, stamps: [number, number][]): string {
  const path = join(dir, name);
  writeFileSync(path, pcap({ linkType: 1 }, stamps.map(([s, u]) => ({ tsSec: s >>> 0, tsFrac: u, data: udpFrame() }))));
  return path;
}

// libpcap reads ts_sec as signed: 0xFFFFFFFF is −1 s, so NFStream's uint64 ms wraps to 2^64 − 1000
describe("NFStream's uint64 millisecond times stay exact in every output", () => {
  it('a capture stamped before 1970: first/last seen and duration are the exact wrapped integers', async () => {
    const path = capture('pre1970.pcap', [[-1, 0], [-1, 500000]]);
    const csv = (await csvText(new NFStreamer({ source: path, nDissections: 0 }))).split('\n');
    const header = csv[0]!.split(',');
    const row = csv[1]!.split(',');
    const col = (n: string) => row[header.indexOf(n)];
    expect(col('bidirectional_first_seen_ms')).toBe('18446744073709550616');
    expect(col('bidirectional_last_seen_ms')).toBe('18446744073709551116');
    expect(col('bidirectional_duration_ms')).toBe('500');
    expect(col('bidirectional_packets')).toBe('2');
  });

  it('a packet stamped "after" the wrap is later in NFStream\'s unsigned order; typed outputs hold the exact value', async () => {
    // 1 s, then −1 s (= 2^64 − 1000 ms, the larger uint64): the clock moves forward by 2^64 − 2000 ms,
    // far beyond the idle timeout, so the first flow expires and the second packet starts a new one
    const path = capture('mixed.pcap', [[1, 0], [-1, 0]]);
    const s = new NFStreamer({ source: path, nDissections: 0 });
    const csv = (await csvText(s)).trimEnd().split('\n');
    const header = csv[0]!.split(',');
    const col = (r: number, n: string) => csv[r]!.split(',')[header.indexOf(n)];
    expect(csv).toHaveLength(3);
    expect(col(1, 'bidirectional_first_seen_ms')).toBe('1000');
    expect(col(2, 'bidirectional_first_seen_ms')).toBe('18446744073709550616');
    expect(col(2, 'src2dst_last_seen_ms')).toBe('18446744073709550616');
    expect(col(2, 'dst2src_first_seen_ms')).toBe('0');
    const jsonl = join(dir, 'mixed.jsonl');
    await s.toJsonl(jsonl);
    expect(readFileSync(jsonl, 'utf8')).toContain('"bidirectional_last_seen_ms":18446744073709550616');
    const arrow = join(dir, 'mixed.arrow');
    await s.toArrowFile(arrow);
    const t = tableFromIPC(readFileSync(arrow));
    expect(t.getChild('bidirectional_first_seen_ms')!.toArray()).toEqual(new BigUint64Array([1000n, 18446744073709550616n]));
    expect(t.getChild('bidirectional_duration_ms')!.toArray()).toEqual(new BigUint64Array([0n, 0n]));
  });
});
