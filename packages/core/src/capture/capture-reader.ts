import type { WindowBuffers } from './byte-window.js';
import type { CaptureError } from './capture-error.js';
import type { CaptureRecord } from './capture-record.js';
import type { ReadStatus } from './read-status.js';

/** Capture file format. */
export type CaptureFormat = 'pcap' | 'pcapng';

/**
 * A pull reader of capture records. `next()` fills the caller's reusable record; nothing is
 * allocated per record. Readers of files read synchronously through one reusable buffer, so a
 * capture of any size is read in constant memory.
 *
 * @example
 * ```ts
 * import { CaptureRecord, ReadStatus, type CaptureReader } from '@flowstream/core';
 *
 * export function countRecords(reader: CaptureReader): number {
 *   const record = new CaptureRecord();
 *   while (reader.next(record) === ReadStatus.Record);
 *   if (reader.error !== null) throw reader.error;
 *   if (reader.truncatedAt !== null) console.warn(`${reader.name}: last record cut at byte ${reader.truncatedAt}`);
 *   reader.close();
 *   return reader.recordsRead;
 * }
 * ```
 */
export interface CaptureReader {
  /** Path or stream name used in messages and in the summary. */
  readonly name: string;
  readonly format: CaptureFormat;
  /** LINKTYPE value of the file header / first IDB (before mapping to a DLT). */
  readonly linkType: number;
  /** Records delivered so far. */
  readonly recordsRead: number;
  /** Set when `next()` returned `ReadStatus.Error`. */
  readonly error: CaptureError | null;
  /** Byte offset of a truncated last record that was dropped, or null. */
  readonly truncatedAt: number | null;
  next(record: CaptureRecord): ReadStatus;
  /**
   * Reads the capture's header if it has not arrived yet, and no record: `Record` once it is read
   * ({@link linkType} is known), `NeedMore` while a stream has not delivered it, `End` or `Error`
   * when the source ended or failed first (`next()` then says the same). Sources that know their
   * link type when opened need not have it.
   */
  header?(): ReadStatus;
  close(): void;
  /** Live sources: packets lost before they could be read, by reason (final once closed). */
  drops?(): CaptureDrops;
  /** File and stream readers: read on in buffers from `buffers` (see {@link WindowBuffers}). */
  useBuffers?(buffers: WindowBuffers): void;
  /** Files: true while the bytes come from a mapping of the file (see `FileCaptureReader`). */
  readonly mapped?: boolean;
  /**
   * Mapped files: other threads of the process read the records in place, and the caller gives
   * the pages back; false when the reader does not map its source (see
   * `FileCaptureReader.shareMapping`).
   */
  shareMapping?(): boolean;
}

/**
 * Packets a live source lost before they were read: by the kernel (`pcap_stats` ps_drop, capture
 * buffer full), by the interface or driver (ps_ifdrop), and by flowstream (`ring_full`).
 */
export interface CaptureDrops {
  kernel: number;
  interface: number;
  ringFull: number;
}
