import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Writes `dir/bad.pcap`: a copy of a classic pcap whose record number `index` (0-based) claims an
 * absurd length, so reading fails in the middle. Returns the path and the record's byte offset.
 */
export function corruptCapture(source: string, index: number, dir: string): { path: string; offset: number } {
  const bytes = Buffer.from(readFileSync(source));
  let offset = 24;
  for (let i = 0; i < index; i++) offset += 16 + bytes.readUInt32LE(offset + 8);
  bytes.writeUInt32LE(0x7fffffff, offset + 8);
  const path = join(dir, 'bad.pcap');
  writeFileSync(path, bytes);
  return { path, offset };
}
