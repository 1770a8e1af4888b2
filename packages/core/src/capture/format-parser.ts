import type { ByteWindow } from './byte-window.js';
import type { CaptureError } from './capture-error.js';
import type { CaptureFormat } from './capture-reader.js';
import type { CaptureRecord } from './capture-record.js';
import type { ReadStatus } from './read-status.js';

/**
 * A capture format's parser, run over a {@link ByteWindow} by both the file and the stream
 * readers. Every call either consumes bytes, asks for more (`NeedMore`) or ends, so no input can
 * make a reader spin.
 */
export interface FormatParser {
  readonly format: CaptureFormat;
  /** LINKTYPE of the file header / first IDB (valid once the header is read). */
  readonly linkType: number;
  /** DLT delivered in `record.linkType` for valid records. */
  readonly dlt: number;
  /** True when the file's fields are big-endian. */
  readonly bigEndian: boolean;
  /** Snapshot length after libpcap's adjustment. */
  readonly snaplen: number;
  /** Classic pcap: nanosecond magic. pcapng: any interface finer than microseconds. */
  readonly nanosecond: boolean;
  readonly error: CaptureError | null;
  readonly truncatedAt: number | null;
  /** Reads the file header: `Record` once done, `NeedMore`, or `Error`. */
  readHeader(w: ByteWindow): ReadStatus;
  next(w: ByteWindow, record: CaptureRecord): ReadStatus;
}
