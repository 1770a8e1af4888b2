// Minimal private capture iterator for the decoder tests (the real readers live in src/capture and
// are written concurrently). Implements the libpcap reading rules of spec §1.1 that change which
// records the decoder sees: snaplen clamp, LINKTYPE→DLT mapping, truncated-last-record drop,
// pcapng interface mismatch (linkType −1). Timestamps are approximate (ms only).
import { readFileSync } from 'node:fs';
import { CaptureRecord } from '../../../src/capture/capture-record.js';

const MAX_SNAPLEN = 262144;

/** LINKTYPE → DLT for the values the decoder knows (spec §1.1). */
export function linktypeToDlt(linktype: number): number {
  return linktype === 101 ? 12 : linktype;
}

function effectiveSnaplen(snaplen: number): number {
  return snaplen === 0 || snaplen > MAX_SNAPLEN ? MAX_SNAPLEN : snaplen;
}

/** Calls `visit` with one reusable record per captured frame of a pcap or pcapng file. */
export function forEachRecord(path: string, visit: (rec: CaptureRecord) => void): void {
  const buf = readFileSync(path);
  const data = new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const magicBE = view.getUint32(0, false);
  if (magicBE === 0x0a0d0d0a) readPcapng(data, view, visit);
  else readPcap(data, view, visit);
}

function readPcap(data: Uint8Array, view: DataView, visit: (rec: CaptureRecord) => void): void {
  const m = view.getUint32(0, true);
  let le: boolean;
  let ns: boolean;
  if (m === 0xa1b2c3d4 || m === 0xa1b23c4d) {
    le = true;
    ns = m === 0xa1b23c4d;
  } else {
    const mb = view.getUint32(0, false);
    if (mb !== 0xa1b2c3d4 && mb !== 0xa1b23c4d) throw new Error('not a capture');
    le = false;
    ns = mb === 0xa1b23c4d;
  }
  const snaplen = effectiveSnaplen(view.getUint32(16, le));
  const dlt = linktypeToDlt(view.getUint32(20, le) & 0xffff);
  const rec = new CaptureRecord();
  rec.data = data;
  rec.linkType = dlt;
  let o = 24;
  while (o + 16 <= data.length) {
    const sec = view.getInt32(o, le);
    const frac = view.getInt32(o + 4, le);
    const caplen = view.getUint32(o + 8, le);
    const len = view.getUint32(o + 12, le);
    if (caplen > MAX_SNAPLEN) return;
    if (o + 16 + caplen > data.length) return;
    rec.offset = o + 16;
    rec.caplen = caplen > snaplen ? snaplen : caplen;
    rec.wireLength = len;
    rec.tsSec = sec;
    rec.tsNsec = ns ? frac : frac * 1000;
    rec.timeMs = sec * 1000 + Math.trunc((ns ? Math.trunc(frac / 1000) : frac) / 1000);
    rec.sourceOffset = o;
    visit(rec);
    o += 16 + caplen;
  }
}

function readPcapng(data: Uint8Array, view: DataView, visit: (rec: CaptureRecord) => void): void {
  let le = true;
  let firstLinkType = -1;
  let firstSnaplen = 0;
  const ifaceOk: boolean[] = [];
  const rec = new CaptureRecord();
  rec.data = data;
  let o = 0;
  while (o + 12 <= data.length) {
    let type = view.getUint32(o, le);
    if (type === 0x0a0d0d0a) {
      le = view.getUint32(o + 8, true) === 0x1a2b3c4d;
      type = view.getUint32(o, le);
      ifaceOk.length = 0;
    }
    const blen = view.getUint32(o + 4, le);
    if (blen < 12 || o + blen > data.length) return;
    if (type === 1) {
      const lt = view.getUint16(o + 8, le);
      const snap = view.getUint32(o + 12, le);
      if (firstLinkType === -1) {
        firstLinkType = lt;
        firstSnaplen = snap;
        ifaceOk.push(true);
      } else {
        ifaceOk.push(lt === firstLinkType && snap === firstSnaplen);
      }
    } else if (type === 6 || type === 2) {
      const iface = type === 6 ? view.getUint32(o + 8, le) : view.getUint16(o + 8, le);
      const caplen = view.getUint32(o + 20, le);
      const len = view.getUint32(o + 24, le);
      const snap = effectiveSnaplen(firstSnaplen);
      rec.offset = o + 28;
      rec.caplen = caplen > snap ? snap : caplen;
      rec.wireLength = len;
      const hi = view.getUint32(o + 12, le);
      const lo = view.getUint32(o + 16, le);
      const us = hi * 4294967296 + lo;
      rec.timeMs = Math.floor(us / 1000);
      rec.tsSec = Math.floor(us / 1e6);
      rec.tsNsec = (us % 1e6) * 1000;
      rec.linkType = ifaceOk[iface] === true ? linktypeToDlt(firstLinkType) : -1;
      rec.sourceOffset = o;
      visit(rec);
    } else if (type === 3) {
      const len = view.getUint32(o + 8, le);
      const snap = effectiveSnaplen(firstSnaplen);
      rec.offset = o + 12;
      rec.caplen = len < snap ? len : snap;
      rec.wireLength = len;
      rec.timeMs = 0;
      rec.tsSec = 0;
      rec.tsNsec = 0;
      rec.linkType = linktypeToDlt(firstLinkType);
      rec.sourceOffset = o;
      visit(rec);
    }
    o += blen;
  }
}
