import type { ByteWindow } from './byte-window.js';
import { i32, u16, u32 } from './byte-order.js';
import { CaptureError } from './capture-error.js';
import type { CaptureRecord } from './capture-record.js';
import type { FormatParser } from './format-parser.js';
import { adjustSnaplen, linkTypeToDlt, MAXIMUM_SNAPLEN } from './link-types.js';
import { ReadStatus } from './read-status.js';
import { wrapTimeMs } from './time-ms.js';

const FILE_HEADER = 24;
const RECORD_HEADER = 16;

// libpcap's `lengths_swapped`: files older than 2.3 (and DG/UX 543.0) store len before caplen.
const NOT_SWAPPED = 0;
const SWAPPED = 1;
const MAYBE_SWAPPED = 2;

/**
 * Classic pcap, read with libpcap 1.10's rules (spec §1.1): µs (`A1B2C3D4`) and ns (`A1B23C4D`)
 * magics in both byte orders, snaplen 0 or > 262144 meaning 262144, caplen above the snaplen cut
 * to the snaplen, caplen above 262144 an error, a truncated last record dropped silently.
 *
 * @example
 * ```ts
 * const parser = new PcapParser('a.pcap');
 * if (parser.readHeader(window) === ReadStatus.Record) parser.next(window, record);
 * ```
 */
export class PcapParser implements FormatParser {
  readonly format = 'pcap' as const;
  linkType = -1;
  dlt = -1;
  bigEndian = false;
  snaplen = 0;
  nanosecond = false;
  error: CaptureError | null = null;
  truncatedAt: number | null = null;
  private le = true;
  private lengthsSwapped = NOT_SWAPPED;

  constructor(private readonly name: string) {}

  /** True when the 4 bytes at `p` are a classic pcap magic. */
  static isMagic(b: Uint8Array, p: number): boolean {
    const le = u32(b, p, true);
    return le === 0xa1b2c3d4 || le === 0xd4c3b2a1 || le === 0xa1b23c4d || le === 0x4d3cb2a1;
  }

  readHeader(w: ByteWindow): ReadStatus {
    if (!w.ensure(FILE_HEADER)) {
      if (!w.ended) return ReadStatus.NeedMore;
      return this.fail(w.position, `truncated pcap file header (${w.available} of ${FILE_HEADER} bytes)`);
    }
    const b = w.buf;
    const p = w.start;
    const magic = u32(b, p, true);
    this.le = magic === 0xa1b2c3d4 || magic === 0xa1b23c4d;
    this.bigEndian = !this.le;
    this.nanosecond = magic === 0xa1b23c4d || magic === 0x4d3cb2a1;
    const major = u16(b, p + 4, this.le);
    const minor = u16(b, p + 6, this.le);
    if (major < 2) return this.fail(w.position, `archaic pcap savefile format (version ${major}.${minor})`);
    if ((major === 2 && minor < 3) || (major === 543 && minor === 0)) this.lengthsSwapped = SWAPPED;
    else if (major === 2 && minor === 3) this.lengthsSwapped = MAYBE_SWAPPED;
    // LT_LINKTYPE: the upper 16 bits carry FCS information, not the link type.
    this.linkType = u32(b, p + 20, this.le) & 0xffff;
    this.dlt = linkTypeToDlt(this.linkType);
    this.snaplen = adjustSnaplen(u32(b, p + 16, this.le));
    w.consume(FILE_HEADER);
    return ReadStatus.Record;
  }

  next(w: ByteWindow, record: CaptureRecord): ReadStatus {
    if (this.error !== null) return ReadStatus.Error;
    if (!w.ensure(RECORD_HEADER)) return this.short(w);
    let b = w.buf;
    let p = w.start;
    const le = this.le;
    // libpcap reads ts_sec and ts_frac as signed 32-bit values (spec §1.2).
    const sec = i32(b, p, le);
    const frac = i32(b, p + 4, le);
    let caplen = u32(b, p + 8, le);
    let len = u32(b, p + 12, le);
    if (this.lengthsSwapped === SWAPPED || (this.lengthsSwapped === MAYBE_SWAPPED && caplen > len)) {
      const t = caplen;
      caplen = len;
      len = t;
    }
    if (caplen > MAXIMUM_SNAPLEN) {
      return this.fail(w.position, `invalid packet capture length ${caplen}, bigger than maximum of ${MAXIMUM_SNAPLEN}`);
    }
    const total = RECORD_HEADER + caplen;
    if (!w.ensure(total)) return this.short(w);
    b = w.buf;
    p = w.start;
    record.data = b;
    record.offset = p + RECORD_HEADER;
    // libpcap delivers snaplen bytes and discards the rest of an oversized record.
    record.caplen = caplen > this.snaplen ? this.snaplen : caplen;
    record.wireLength = len;
    record.tsSec = sec;
    let usec: number;
    if (this.nanosecond) {
      record.tsNsec = frac;
      usec = (frac / 1000) | 0;
    } else {
      record.tsNsec = frac * 1000;
      usec = frac;
    }
    record.timeMs = wrapTimeMs(sec * 1000 + ((usec / 1000) | 0));
    record.linkType = this.dlt;
    record.sourceOffset = w.position;
    w.consume(total);
    return ReadStatus.Record;
  }

  /** Not enough bytes for the next record: wait, end cleanly, or drop a truncated last record. */
  private short(w: ByteWindow): ReadStatus {
    if (!w.ended) return ReadStatus.NeedMore;
    if (w.available > 0) {
      this.truncatedAt = w.position;
      w.consumeAll();
    }
    return ReadStatus.End;
  }

  private fail(offset: number, message: string): ReadStatus {
    this.error = new CaptureError(this.name, offset, message);
    return ReadStatus.Error;
  }
}
