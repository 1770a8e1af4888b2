import { readSync } from 'node:fs';
import { BaseCaptureReader } from './base-capture-reader.js';
import { ByteWindow } from './byte-window.js';

/** Read buffer: a pipe delivers at most its capacity per read, a redirected file up to this (see file-capture-reader.ts). */
const BUFFER_SIZE = 1024 * 1024;
/** Pause before retrying a non-blocking descriptor that has no bytes yet (ms). */
const RETRY_MS = 1;

const pause = new Int32Array(new SharedArrayBuffer(4));

/**
 * Synchronous reader of an already open descriptor that can only be read once and in order: a
 * redirected file on stdin (`flowstream - < F`). It blocks while the descriptor has no bytes, so a
 * pipe, which can stay quiet, is read by the `PipeCaptureReader` instead. It reads straight into
 * the window with `readSync`, like the file reader (no stream chunks, no copies, no promise per
 * chunk), and sniffs the format from the first bytes like the stream reader: the records, summaries and
 * errors are the stream reader's. The descriptor is never closed (the process owns it).
 *
 * `observe` sees every byte read, in order (input hashing).
 *
 * @example
 * ```ts
 * const reader = new DescriptorCaptureReader(0, 'stdin');
 * while (reader.next(record) === ReadStatus.Record) handle(record);
 * ```
 */
export class DescriptorCaptureReader extends BaseCaptureReader {
  /** Unknown for pipes. */
  readonly size = -1;

  constructor(fd: number, name: string, observe: ((bytes: Uint8Array) => void) | null = null) {
    super(
      name,
      new ByteWindow(BUFFER_SIZE, (buf, at, length) => {
        const got = readDescriptor(fd, buf, at, length);
        if (got > 0 && observe !== null) observe(buf.subarray(at, at + got));
        return got;
      }),
    );
  }

  /** Stops reading: drops buffered bytes; later `next()` calls return `End` (or `Error`). */
  close(): void {
    this.window.consumeAll();
    this.window.ended = true;
  }
}

/** Blocking read: waits on a non-blocking descriptor (EAGAIN) instead of failing; 0 at the end. */
function readDescriptor(fd: number, buf: Uint8Array, at: number, length: number): number {
  for (;;) {
    try {
      return readSync(fd, buf, at, length, null);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EAGAIN' || code === 'EWOULDBLOCK') {
        Atomics.wait(pause, 0, 0, RETRY_MS);
        continue;
      }
      if (code === 'EOF') return 0;
      throw err;
    }
  }
}
