import type { ByteWindow, WindowBuffers } from './byte-window.js';
import { u32 } from './byte-order.js';
import { CaptureError } from './capture-error.js';
import type { CaptureFormat, CaptureReader } from './capture-reader.js';
import type { CaptureRecord } from './capture-record.js';
import type { FormatParser } from './format-parser.js';
import { PcapParser } from './pcap-parser.js';
import { PcapngParser } from './pcapng-parser.js';
import { ReadStatus } from './read-status.js';

const BT_SHB = 0x0a0d0d0a;

/**
 * What the file and stream readers share: format sniffing from the magic (never the file name),
 * the header phase, then the format parser over one {@link ByteWindow}.
 */
export abstract class BaseCaptureReader implements CaptureReader {
  /** Records delivered so far (including the ones with a negative link type). */
  recordsRead = 0;
  /** Parser, set once the magic is known; records flow once {@link headerRead} is true. */
  protected parser: FormatParser | null = null;
  protected headerRead = false;
  private failure: CaptureError | null = null;
  /** Reading the source failed (a pipe, a stream): see {@link failRead}. */
  private readFailure: CaptureError | null = null;

  protected constructor(
    readonly name: string,
    protected readonly window: ByteWindow,
  ) {}

  /** `'pcap'` or `'pcapng'` (meaningful once the header is read). */
  get format(): CaptureFormat {
    return this.parser === null ? 'pcap' : this.parser.format;
  }

  /** LINKTYPE of the file header or first IDB; -1 until the header is read. */
  get linkType(): number {
    return this.headerRead ? this.parser!.linkType : -1;
  }

  /** DLT delivered in `record.linkType` for valid records; -1 until the header is read. */
  get dlt(): number {
    return this.headerRead ? this.parser!.dlt : -1;
  }

  /** True when the capture's fields are big-endian. */
  get bigEndian(): boolean {
    return this.parser !== null && this.parser.bigEndian;
  }

  /** Snapshot length after libpcap's adjustment (0 until the header is read). */
  get snaplen(): number {
    return this.headerRead ? this.parser!.snaplen : 0;
  }

  /** Classic pcap: nanosecond magic; pcapng: first interface finer than a microsecond. */
  get nanosecond(): boolean {
    return this.parser !== null && this.parser.nanosecond;
  }

  /** Set when `next()` returned `ReadStatus.Error` (or the header could not be read). */
  get error(): CaptureError | null {
    return this.readFailure ?? this.failure ?? (this.parser === null ? null : this.parser.error);
  }

  /** True once {@link failRead} was called. */
  protected get readFailed(): boolean {
    return this.readFailure !== null;
  }

  /**
   * Reading the source failed (`message` says how): the records already buffered are still
   * delivered, then `next()` returns `ReadStatus.Error` with a {@link CaptureError} at the offset
   * reached, as for a corrupt record, so a run hands out the flows so far before it reports it.
   */
  protected failRead(message: string): void {
    this.readFailure ??= new CaptureError(this.name, this.bytesRead, message);
    this.window.ended = true;
  }

  /** Byte offset of a truncated last record that was dropped, or null. */
  get truncatedAt(): number | null {
    return this.parser === null ? null : this.parser.truncatedAt;
  }

  /** Bytes of the source consumed so far (for progress). */
  get bytesRead(): number {
    return this.window.position;
  }

  /** Reads on in buffers from `buffers` (see {@link WindowBuffers}); records already delivered stay where they are. */
  useBuffers(buffers: WindowBuffers): void {
    this.window.useBuffers(buffers);
  }

  next(record: CaptureRecord): ReadStatus {
    if (!this.headerRead) {
      const status = this.readHeader();
      if (status !== ReadStatus.Record) return status;
    }
    const status = this.parser!.next(this.window, record);
    if (status === ReadStatus.Record) this.recordsRead++;
    else if (this.readFailure !== null) return ReadStatus.Error;
    return status;
  }

  header(): ReadStatus {
    return this.headerRead ? ReadStatus.Record : this.readHeader();
  }

  abstract close(): void;

  /** Sniffs the format and reads the file header: `Record` when done, else `NeedMore` / `Error`. */
  protected readHeader(): ReadStatus {
    if (this.failure !== null || this.readFailure !== null) return ReadStatus.Error;
    if (this.parser === null) {
      const status = this.sniff();
      if (status !== ReadStatus.Record) return status;
    }
    const status = this.parser!.readHeader(this.window);
    if (status === ReadStatus.Record) this.headerRead = true;
    return status;
  }

  private sniff(): ReadStatus {
    const w = this.window;
    if (!w.ensure(4)) return w.ended ? this.notCapture() : ReadStatus.NeedMore;
    if (PcapParser.isMagic(w.buf, w.start)) {
      this.parser = new PcapParser(this.name);
      return ReadStatus.Record;
    }
    if (u32(w.buf, w.start, true) !== BT_SHB) return this.notCapture();
    if (!w.ensure(12)) {
      if (!w.ended) return ReadStatus.NeedMore;
      // a pcapng start cut short (its byte-order magic is not there yet): said as such, as a cut pcap header is
      this.failure = new CaptureError(this.name, w.position, `truncated pcapng section header block (${w.available} of at least 28 bytes)`);
      return ReadStatus.Error;
    }
    if (!PcapngParser.isMagic(w.buf, w.start)) return this.notCapture();
    this.parser = new PcapngParser(this.name);
    return ReadStatus.Record;
  }

  private notCapture(): ReadStatus {
    const w = this.window;
    // the first bytes, to say what the source is instead (nothing read yet: they are all in the window)
    w.ensure(64);
    this.failure = CaptureError.notACapture(this.name, w.position === 0 ? w.buf.subarray(w.start, w.start + w.available) : null);
    return ReadStatus.Error;
  }
}
