import { AS_DOUBLE } from '../shapes/as-double.js';
const EMPTY = new Uint8Array(0);

/**
 * One captured frame as a reader delivers it. Readers fill the same instance for every record
 * (no allocation per packet): its fields, and the bytes `data[offset, offset + caplen)`, are valid
 * only until the next call to {@link CaptureReader.next}.
 *
 * @example
 * ```ts
 * import { CaptureRecord, ReadStatus, openCapture } from '@flowstream/core';
 *
 * const reader = openCapture('capture.pcap');
 * const record = new CaptureRecord(); // one instance, filled again for every record
 * while (reader.next(record) === ReadStatus.Record) {
 *   const frame = record.data.subarray(record.offset, record.offset + record.caplen);
 *   console.log(record.tsSec, record.tsNsec, record.linkType, frame.length);
 * }
 * reader.close();
 * ```
 */
export class CaptureRecord {
  /** Buffer holding the frame bytes (a reader's reusable buffer). */
  data: Uint8Array = EMPTY;
  /** Offset of the frame's first byte inside {@link data}. */
  offset = 0;
  /** Captured length (bytes present in {@link data}). */
  caplen = 0;
  /** Original wire length from the record header (unsigned 32-bit). */
  wireLength = AS_DOUBLE;
  /** Timestamp seconds, as libpcap reads them (classic pcap: signed 32-bit). */
  tsSec = AS_DOUBLE;
  /** Sub-second part at full precision, in nanoseconds (0 … 999 999 999 for sane files). */
  tsNsec = AS_DOUBLE;
  /** NFStream's millisecond timestamp (spec §1.2), before the meter's monotonic clamp. */
  timeMs = AS_DOUBLE;
  /** DLT value the decoder switches on (after LINKTYPE → DLT mapping, spec §1.1). */
  linkType = 0;
  /** Byte offset of this record's header in its source, for error messages. */
  sourceOffset = AS_DOUBLE;
}
