import type { ByteWindow } from './byte-window.js';
import { u16, u32 } from './byte-order.js';
import { CaptureError } from './capture-error.js';
import type { CaptureRecord } from './capture-record.js';
import type { FormatParser } from './format-parser.js';
import {
  adjustSnaplen,
  LINKTYPE_INVALID_INTERFACE,
  LINKTYPE_INVALID_RECORD,
  linkTypeToDlt,
} from './link-types.js';
import { PcapngInterface } from './pcapng-interface.js';
import { ReadStatus } from './read-status.js';

const BT_SHB = 0x0a0d0d0a;
const BT_IDB = 1;
const BT_PB = 2;
const BT_SPB = 3;
const BT_EPB = 6;
const BYTE_ORDER_MAGIC = 0x1a2b3c4d;
const BYTE_ORDER_MAGIC_SWAPPED = 0x4d3c2b1a;
/** libpcap's INITIAL_MAX_BLOCKSIZE: larger blocks are an error, never an allocation. */
const MAX_BLOCK = 16 * 1024 * 1024;
/** libpcap's BT_SHB_INSANE_MAX. */
const MAX_SHB = 1024 * 1024;
const MIN_SHB = 28;

// readBlock() results.
const BLOCK = 0;
const NEED_MORE = 1;
const END = 2;
const TRUNCATED = 3;
const BROKEN = 4;

/**
 * pcapng, read with libpcap 1.10's rules (spec §1.1): both byte orders, several sections (a new
 * SHB forgets the interfaces), several IDBs with `if_tsresol` / `if_tsoffset`, EPB, SPB and the
 * obsolete PB; other blocks are skipped. The capture's link type and snap length are those of the
 * first IDB. Packets libpcap rejects while reading on are delivered with a negative link type
 * ({@link LINKTYPE_INVALID_INTERFACE}, {@link LINKTYPE_INVALID_RECORD}) so they can be counted.
 *
 * @example
 * ```ts
 * const parser = new PcapngParser('a.pcapng');
 * if (parser.readHeader(window) === ReadStatus.Record) parser.next(window, record);
 * ```
 */
export class PcapngParser implements FormatParser {
  readonly format = 'pcapng' as const;
  linkType = -1;
  dlt = -1;
  bigEndian = false;
  snaplen = 0;
  nanosecond = false;
  error: CaptureError | null = null;
  truncatedAt: number | null = null;
  private le = true;
  /** libpcap's per-section interface table (only IDBs it accepted, in order). */
  private readonly interfaces: PcapngInterface[] = [];
  private headerPhase = 0; // 0: expect the SHB, 1: look for the first IDB, 2: done
  private blockType = 0;
  private blockLength = 0;
  private blockTrailerBad = false;

  constructor(private readonly name: string) {}

  /** True when the 12 bytes at `p` start a pcapng Section Header Block (type and byte-order magic). */
  static isMagic(b: Uint8Array, p: number): boolean {
    if (u32(b, p, true) !== BT_SHB) return false;
    const bom = u32(b, p + 8, true);
    return bom === BYTE_ORDER_MAGIC || bom === BYTE_ORDER_MAGIC_SWAPPED;
  }

  readHeader(w: ByteWindow): ReadStatus {
    if (this.error !== null) return ReadStatus.Error;
    if (this.headerPhase === 0) {
      const status = this.readSectionHeader(w);
      if (status !== ReadStatus.Record) return status;
      this.headerPhase = 1;
    }
    for (;;) {
      const at = w.position;
      const got = this.readBlock(w);
      if (got === NEED_MORE) return ReadStatus.NeedMore;
      if (got === BROKEN) return ReadStatus.Error;
      if (got === END) return this.fail(at, 'the capture file has no Interface Description Blocks');
      if (got === TRUNCATED) return this.fail(at, 'truncated block before the first Interface Description Block');
      if (this.blockTrailerBad) return this.fail(at, 'block total length in header and trailer do not match');
      const type = this.blockType;
      if (type === BT_IDB) {
        const b = w.buf;
        const p = w.start;
        const len = this.blockLength;
        if (len - 12 < 8) return this.fail(at, 'Interface Description Block too short');
        this.linkType = u16(b, p + 8, this.le);
        this.dlt = linkTypeToDlt(this.linkType);
        this.snaplen = adjustSnaplen(u32(b, p + 12, this.le));
        const iface = this.parseInterface(b, p + 16, p + len - 4);
        if (iface === null) return this.fail(at, 'invalid options in the first Interface Description Block');
        this.nanosecond = iface.finerThanMicro;
        this.interfaces.push(iface);
        w.consume(len);
        this.headerPhase = 2;
        return ReadStatus.Record;
      }
      if (type === BT_EPB || type === BT_SPB || type === BT_PB) {
        return this.fail(at, 'the capture file has a packet block before any Interface Description Blocks');
      }
      w.consume(this.blockLength);
    }
  }

  next(w: ByteWindow, record: CaptureRecord): ReadStatus {
    if (this.error !== null) return ReadStatus.Error;
    for (;;) {
      const got = this.readBlock(w);
      if (got === NEED_MORE) return ReadStatus.NeedMore;
      if (got === END) return ReadStatus.End;
      if (got === BROKEN) return ReadStatus.Error;
      if (got === TRUNCATED) {
        // libpcap reports the short read, then hits end of file: the record is dropped (§1.1).
        this.truncatedAt = w.position;
        w.consumeAll();
        return ReadStatus.End;
      }
      const type = this.blockType;
      const len = this.blockLength;
      if (type === BT_EPB || type === BT_PB || type === BT_SPB) return this.packet(w, record, type, len);
      if (type === BT_IDB) this.addInterface(w.buf, w.start, len);
      else if (type === BT_SHB && !this.newSection(w, len)) return ReadStatus.Error;
      w.consume(len);
    }
  }

  /** Delivers the packet of an EPB, SPB or PB that is fully in the window. */
  private packet(w: ByteWindow, record: CaptureRecord, type: number, len: number): ReadStatus {
    const b = w.buf;
    const p = w.start;
    const le = this.le;
    const bodyEnd = p + len - 4;
    record.data = b;
    record.sourceOffset = w.position;
    const dataAt = type === BT_SPB ? p + 12 : p + 28;
    w.consume(len);
    // libpcap rejects these packets with an error and reads on; NFStream skips them (§1.1).
    if (dataAt > bodyEnd || this.blockTrailerBad) return this.invalid(record, LINKTYPE_INVALID_RECORD, 0, 0);
    let iface = 0;
    let caplen: number;
    let wireLength: number;
    let high = 0;
    let low = 0;
    if (type === BT_SPB) {
      wireLength = u32(b, p + 8, le);
      caplen = wireLength > this.snaplen ? this.snaplen : wireLength;
    } else {
      iface = type === BT_EPB ? u32(b, p + 8, le) : u16(b, p + 8, le);
      high = u32(b, p + 12, le);
      low = u32(b, p + 16, le);
      caplen = u32(b, p + 20, le);
      wireLength = u32(b, p + 24, le);
    }
    const interfaces = this.interfaces;
    if (iface >= interfaces.length || !interfaces[iface]!.valid) {
      const available = bodyEnd - dataAt;
      return this.invalid(record, LINKTYPE_INVALID_INTERFACE, caplen > available ? available : caplen, wireLength, dataAt);
    }
    if (caplen > this.snaplen || caplen > bodyEnd - dataAt) {
      return this.invalid(record, LINKTYPE_INVALID_RECORD, 0, wireLength);
    }
    interfaces[iface]!.stamp(high, low, record);
    record.offset = dataAt;
    record.caplen = caplen;
    record.wireLength = wireLength;
    record.linkType = this.dlt;
    return ReadStatus.Record;
  }

  private invalid(record: CaptureRecord, linkType: number, caplen: number, wireLength: number, dataAt = 0): ReadStatus {
    record.offset = dataAt;
    record.caplen = caplen;
    record.wireLength = wireLength;
    record.tsSec = 0;
    record.tsNsec = 0;
    record.timeMs = 0;
    record.linkType = linkType;
    return ReadStatus.Record;
  }

  /**
   * A later IDB (libpcap `read_packet`): compared with the first IDB's DLT (quirk: libpcap compares
   * the mapped DLT with this block's raw LINKTYPE) and adjusted snap length. A mismatch is an error
   * for that block only, and the IDB is not counted, so later interface ids shift as in libpcap.
   */
  private addInterface(b: Uint8Array, p: number, len: number): void {
    if (len - 12 < 8) return;
    if (u16(b, p + 8, this.le) !== this.dlt) return;
    if (adjustSnaplen(u32(b, p + 12, this.le)) !== this.snaplen) return;
    const iface = this.parseInterface(b, p + 16, p + len - 4);
    if (iface !== null) {
      this.interfaces.push(iface);
    } else {
      // libpcap counts the interface before its options fail; its packets then cannot be read.
      const broken = PcapngInterface.micro();
      broken.valid = false;
      this.interfaces.push(broken);
    }
  }

  /** A later SHB: checks byte order and version, then forgets the interfaces. False on error. */
  private newSection(w: ByteWindow, len: number): boolean {
    const b = w.buf;
    const p = w.start;
    if (len - 12 < 16) return true; // libpcap: error for this block only
    const bom = u32(b, p + 8, this.le);
    if (bom === BYTE_ORDER_MAGIC_SWAPPED) {
      this.fail(w.position, 'the file has sections with different byte orders');
      return false;
    }
    if (bom !== BYTE_ORDER_MAGIC) {
      this.fail(w.position, 'the file has a section with a bad byte order magic field');
      return false;
    }
    if (u16(b, p + 12, this.le) !== 1) return true; // unknown major version: block skipped, no reset
    this.interfaces.length = 0;
    return true;
  }

  private readSectionHeader(w: ByteWindow): ReadStatus {
    if (!w.ensure(12)) {
      if (!w.ended) return ReadStatus.NeedMore;
      return this.fail(w.position, 'truncated pcapng Section Header Block');
    }
    let b = w.buf;
    let p = w.start;
    this.le = u32(b, p + 8, true) === BYTE_ORDER_MAGIC;
    this.bigEndian = !this.le;
    const total = u32(b, p + 4, this.le);
    if (total < MIN_SHB || total > MAX_SHB) {
      return this.fail(w.position, `Section Header Block has invalid length ${total}`);
    }
    if (!w.ensure(total)) {
      if (!w.ended) return ReadStatus.NeedMore;
      return this.fail(w.position, 'truncated pcapng Section Header Block');
    }
    b = w.buf;
    p = w.start;
    const major = u16(b, p + 12, this.le);
    const minor = u16(b, p + 14, this.le);
    if (major !== 1 || (minor !== 0 && minor !== 2)) {
      return this.fail(w.position, `unsupported pcapng savefile version ${major}.${minor}`);
    }
    w.consume(total);
    return ReadStatus.Record;
  }

  /** Brings the next whole block into the window (libpcap `read_block` checks). */
  private readBlock(w: ByteWindow): number {
    if (!w.ensure(8)) {
      if (!w.ended) return NEED_MORE;
      return w.available === 0 ? END : TRUNCATED;
    }
    const le = this.le;
    const len = u32(w.buf, w.start + 4, le);
    if (len < 12 || len % 4 !== 0 || len > MAX_BLOCK) {
      this.fail(w.position, `broken block structure: block length ${len} (allowed: multiple of 4, 12 … ${MAX_BLOCK})`);
      return BROKEN;
    }
    if (!w.ensure(len)) return w.ended ? TRUNCATED : NEED_MORE;
    const b = w.buf;
    const p = w.start;
    this.blockType = u32(b, p, le);
    this.blockLength = len;
    // libpcap consumes a block whose trailer disagrees, reports an error and reads on.
    this.blockTrailerBad = u32(b, p + len - 4, le) !== len;
    if (this.blockTrailerBad && this.blockType !== BT_EPB && this.blockType !== BT_SPB && this.blockType !== BT_PB) {
      this.blockType = -1; // skipped like an unknown block
    }
    return BLOCK;
  }

  /** IDB options (libpcap `process_idb_options`); null when libpcap would reject them. */
  private parseInterface(b: Uint8Array, p: number, end: number): PcapngInterface | null {
    const le = this.le;
    let exponent = 6;
    let binary = false;
    let offset = 0n;
    let sawResolution = false;
    let sawOffset = false;
    while (p < end) {
      if (end - p < 4) return null;
      const code = u16(b, p, le);
      const length = u16(b, p + 2, le);
      const padded = (length + 3) & ~3;
      if (end - p - 4 < padded) return null;
      const v = p + 4;
      if (code === 0) {
        if (length !== 0) return null;
        break;
      } else if (code === 9) {
        if (length !== 1 || sawResolution) return null;
        sawResolution = true;
        const r = b[v]!;
        if (r & 0x80) {
          if ((r & 0x7f) > 63) return null;
          binary = true;
          exponent = r & 0x7f;
        } else {
          if (r > 19) return null;
          binary = false;
          exponent = r;
        }
      } else if (code === 14) {
        if (length !== 8 || sawOffset) return null;
        sawOffset = true;
        const first = BigInt(u32(b, v, le));
        const second = BigInt(u32(b, v + 4, le));
        offset = le ? (second << 32n) | first : (first << 32n) | second;
      }
      p = v + padded;
    }
    return new PcapngInterface(exponent, binary, offset);
  }

  private fail(offset: number, message: string): ReadStatus {
    this.error = new CaptureError(this.name, offset, message);
    return ReadStatus.Error;
  }
}
