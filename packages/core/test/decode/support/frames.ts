// Hand-built frames for the decoder unit tests (mirrors the golden generator's helpers).
import { CaptureRecord } from '../../../src/capture/capture-record.js';

export type Bytes = number[];

export const A = [10, 0, 0, 1];
export const B = [10, 0, 0, 2];
export const C = [192, 168, 1, 1];
export const D = [8, 8, 8, 8];
export const A6 = hex('20010db8000000000000000000000001');
export const B6 = hex('20010db8000000000000000000000002');

export function hex(s: string): Bytes {
  const out: Bytes = [];
  for (let i = 0; i < s.length; i += 2) out.push(parseInt(s.slice(i, i + 2), 16));
  return out;
}

export const be16 = (v: number): Bytes => [(v >> 8) & 0xff, v & 0xff];
export const le32 = (v: number): Bytes => [v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff, (v >>> 24) & 0xff];
export const be32 = (v: number): Bytes => [(v >>> 24) & 0xff, (v >> 16) & 0xff, (v >> 8) & 0xff, v & 0xff];
export const fill = (n: number, v = 0): Bytes => new Array<number>(n).fill(v);

export interface Ip4Options {
  frag?: number;
  ihl?: number;
  total?: number;
}

export function ip4(src: Bytes, dst: Bytes, proto: number, payload: Bytes, o: Ip4Options = {}): Bytes {
  const ihl = o.ihl ?? 5;
  const opts = ihl > 5 ? fill((ihl - 5) * 4) : [];
  const total = o.total ?? 20 + opts.length + payload.length;
  return [0x40 | ihl, 0, ...be16(total), 0, 1, ...be16(o.frag ?? 0), 64, proto, 0, 0, ...src, ...dst, ...opts, ...payload];
}

export function ip6(src: Bytes, dst: Bytes, next: number, payload: Bytes, plen?: number): Bytes {
  return [0x60, 0, 0, 0, ...be16(plen ?? payload.length), next, 64, ...src, ...dst, ...payload];
}

export function udp(sport: number, dport: number, data: Bytes = []): Bytes {
  return [...be16(sport), ...be16(dport), ...be16(8 + data.length), 0, 0, ...data];
}

export function tcp(sport: number, dport: number, flags = 0x02, data: Bytes = [], doff = 5): Bytes {
  return [...be16(sport), ...be16(dport), 0, 0, 0, 1, 0, 0, 0, 0, doff << 4, flags, 0x03, 0xe8, 0, 0, 0, 0, ...fill((doff - 5) * 4), ...data];
}

export const MAC_SRC = [0x00, 0x11, 0x22, 0x33, 0x44, 0x55];
export const MAC_DST = [0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb];

export function eth(type: number, payload: Bytes, src = MAC_SRC, dst = MAC_DST): Bytes {
  return [...dst, ...src, ...be16(type), ...payload];
}

export const ascii = (s: string): Bytes => [...s].map((c) => c.charCodeAt(0));

/**
 * A record whose frame sits at a non-zero offset of a bigger buffer, followed by 0xEE filler, so
 * tests also catch absolute/relative offset mix-ups and reads beyond caplen.
 */
export function recordOf(dlt: number, frame: Bytes, opts: { wireLength?: number; caplen?: number } = {}): CaptureRecord {
  const pad = 7;
  const buf = new Uint8Array(pad + frame.length + 64).fill(0xee);
  buf.set(frame, pad);
  const r = new CaptureRecord();
  r.data = buf;
  r.offset = pad;
  r.caplen = opts.caplen ?? frame.length;
  r.wireLength = opts.wireLength ?? frame.length;
  r.linkType = dlt;
  r.timeMs = 1600000000123;
  r.tsSec = 1600000000;
  r.tsNsec = 123456789;
  return r;
}
