import { BaseCaptureReader } from './base-capture-reader.js';
import { ByteWindow } from './byte-window.js';
import { CaptureRecord } from './capture-record.js';
import { ReadStatus } from './read-status.js';

const INITIAL_BUFFER = 256 * 1024;

/**
 * Push reader for byte streams (stdin, pipes, sockets), running the same parsers as the file
 * reader: `push()` bytes, call `next()` until it returns `ReadStatus.NeedMore`, push more, and
 * `end()` when the stream ends (a stream ending mid-record drops that record like a truncated
 * file). Memory holds the pushed bytes not yet read, so push only when `next()` needs more.
 *
 * @example
 * ```ts
 * import { CaptureRecord, ReadStatus, createStreamCaptureReader } from '@flowstream/core';
 *
 * const reader = createStreamCaptureReader('stdin');
 * const record = new CaptureRecord();
 * let records = 0;
 * for await (const chunk of process.stdin) {
 *   reader.push(chunk);
 *   while (reader.next(record) === ReadStatus.Record) records++;
 * }
 * reader.end();
 * while (reader.next(record) === ReadStatus.Record) records++;
 * if (reader.error) throw reader.error;
 * ```
 */
export class StreamCaptureReader extends BaseCaptureReader {
  /** Unknown for streams. */
  readonly size = -1;

  constructor(name: string) {
    super(name, new ByteWindow(INITIAL_BUFFER, null));
  }

  /** Appends bytes from the stream (copied: the chunk may be reused by the caller). */
  push(chunk: Uint8Array): void {
    if (this.window.ended) throw new Error(`${this.name}: push() after end()`);
    this.window.push(chunk);
  }

  /** Marks the end of the stream. */
  end(): void {
    this.window.ended = true;
  }

  /**
   * The stream failed (`reason`: e.g. its error's message): the records already pushed are still
   * delivered, then `next()` returns `ReadStatus.Error`, with an error naming the stream and the
   * offset reached.
   */
  fail(reason: string): void {
    this.failRead(`read failed (${reason})`);
  }

  /** Stops reading: drops buffered bytes; later `next()` calls return `End` (or `Error`). */
  close(): void {
    this.window.consumeAll();
    this.window.ended = true;
  }
}

/**
 * Creates a push reader for a pcap or pcapng byte stream; `name` is used in messages (e.g.
 * `'stdin'`). `push()` bytes, call `next()` until it returns `ReadStatus.NeedMore`, push more,
 * and `end()` when the stream ends (a stream ending mid-record drops that record like a truncated
 * file).
 *
 * @example
 * ```ts
 * import { CaptureRecord, ReadStatus, createStreamCaptureReader } from '@flowstream/core';
 *
 * const reader = createStreamCaptureReader('socket');
 * const record = new CaptureRecord();
 * export function onBytes(chunk: Uint8Array): void {
 *   reader.push(chunk);
 *   while (reader.next(record) === ReadStatus.Record) console.log(record.timeMs, record.wireLength);
 * }
 * ```
 */
export function createStreamCaptureReader(name: string): StreamCaptureReader {
  return new StreamCaptureReader(name);
}

/**
 * Reads a whole capture from an async iterable of byte chunks (any Node `Readable`, e.g.
 * `process.stdin`), calling `onRecord` synchronously for each record. Back-pressure is natural:
 * the next chunk is requested only after every record of the previous ones has been handled.
 * Resolves with the reader once the stream ended or the capture turned out corrupt: check
 * `reader.error`, `reader.truncatedAt` and `reader.recordsRead`.
 *
 * @example
 * ```ts
 * import { readCaptureStream } from '@flowstream/core';
 *
 * let bytes = 0;
 * const reader = await readCaptureStream(process.stdin, 'stdin', (record) => { bytes += record.wireLength; });
 * if (reader.error) throw reader.error;
 * console.log(`${reader.recordsRead} records, ${bytes} bytes on the wire`);
 * ```
 */
export async function readCaptureStream(
  source: AsyncIterable<Uint8Array | string>,
  name: string,
  onRecord: (record: CaptureRecord, reader: StreamCaptureReader) => void,
): Promise<StreamCaptureReader> {
  const reader = new StreamCaptureReader(name);
  const record = new CaptureRecord();
  for await (const chunk of source) {
    if (typeof chunk === 'string') throw new TypeError(`${name}: capture streams must be binary (no encoding)`);
    reader.push(chunk);
    if (drain(reader, record, onRecord) === ReadStatus.Error) return reader;
  }
  reader.end();
  drain(reader, record, onRecord);
  return reader;
}

/**
 * The records of a capture stream as an async iterator. The same {@link CaptureRecord} instance
 * is yielded every time; it is valid until the iterator is resumed. Ends when the stream ends;
 * throws the reader's `CaptureError` when the capture is corrupt. Prefer {@link readCaptureStream}
 * on hot paths (no promise per record).
 *
 * @example
 * ```ts
 * import { captureRecords } from '@flowstream/core';
 *
 * let count = 0;
 * for await (const record of captureRecords(process.stdin, 'stdin')) if (record.caplen < record.wireLength) count++;
 * console.log(`${count} records cut by the snapshot length`);
 * ```
 */
export async function* captureRecords(
  source: AsyncIterable<Uint8Array | string>,
  name: string,
): AsyncGenerator<CaptureRecord, StreamCaptureReader, undefined> {
  const reader = new StreamCaptureReader(name);
  const record = new CaptureRecord();
  const iterator = source[Symbol.asyncIterator]();
  for (;;) {
    const status = reader.next(record);
    if (status === ReadStatus.Record) {
      yield record;
    } else if (status === ReadStatus.NeedMore) {
      const step = await iterator.next();
      if (step.done === true) {
        reader.end();
      } else {
        if (typeof step.value === 'string') throw new TypeError(`${name}: capture streams must be binary (no encoding)`);
        reader.push(step.value);
      }
    } else if (status === ReadStatus.Error) {
      await iterator.return?.();
      throw reader.error!;
    } else {
      return reader;
    }
  }
}

function drain(
  reader: StreamCaptureReader,
  record: CaptureRecord,
  onRecord: (record: CaptureRecord, reader: StreamCaptureReader) => void,
): ReadStatus {
  let status: ReadStatus;
  while ((status = reader.next(record)) === ReadStatus.Record) onRecord(record, reader);
  return status;
}
