/**
 * Result of {@link CaptureReader.next}. Numeric so the packet loop stays monomorphic.
 *
 * @example
 * ```ts
 * import { CaptureRecord, ReadStatus, openCapture } from '@flowstream/core';
 *
 * const reader = openCapture('capture.pcap');
 * const record = new CaptureRecord();
 * let status: ReadStatus;
 * let records = 0;
 * while ((status = reader.next(record)) === ReadStatus.Record) records++;
 * if (status === ReadStatus.Error) console.error(reader.error!.message);
 * ```
 */
export const ReadStatus = {
  /** A record was written into the caller's {@link CaptureRecord}. */
  Record: 0,
  /** The source ended cleanly (a truncated last record is dropped silently, as libpcap does). */
  End: 1,
  /** The source is corrupt: `reader.error` says where; records before it were delivered. */
  Error: 2,
  /** Stream sources only: more bytes must be pushed before the next record can be read. */
  NeedMore: 3,
} as const;
export type ReadStatus = (typeof ReadStatus)[keyof typeof ReadStatus];
