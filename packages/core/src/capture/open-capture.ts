import { FileCaptureReader } from './file-capture-reader.js';

/**
 * Opens a classic pcap or pcapng file (format sniffed from the magic, not the extension) and reads
 * its header. Throws a `CaptureError` naming the path when the file is missing, unreadable, not a
 * capture, or has a broken header.
 *
 * @example
 * ```ts
 * import { CaptureRecord, ReadStatus, openCapture } from '@flowstream/core';
 *
 * const reader = openCapture('capture.pcap');
 * const record = new CaptureRecord();
 * while (reader.next(record) === ReadStatus.Record) console.log(record.timeMs, record.caplen);
 * if (reader.error) console.error(reader.error.message); // names the file and the byte offset
 * reader.close();
 * ```
 */
export function openCapture(path: string): FileCaptureReader {
  return new FileCaptureReader(path);
}
