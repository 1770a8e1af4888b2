import { FileCaptureReader } from './file-capture-reader.js';

/**
 * Opens a classic pcap or pcapng file (format sniffed from the magic, not the extension) and reads
 * its header. Throws a `CaptureError` naming the path when the file is missing, unreadable, not a
 * capture, or has a broken header.
 *
 * @example
 * ```ts
 * const reader = openCapture('google_ssl.pcap');
 * const record = new CaptureRecord();
 * while (reader.next(record) === ReadStatus.Record) console.log(record.timeMs);
 * if (reader.error) console.error(reader.error.message);
 * reader.close();
 * ```
 */
export function openCapture(path: string): FileCaptureReader {
  return new FileCaptureReader(path);
}
