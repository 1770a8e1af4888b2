import { closeSync, openSync, readSync } from 'node:fs';
import { fileStat } from './file-stat.js';
import { BaseCaptureReader } from './base-capture-reader.js';
import { ByteWindow, type WindowBuffers } from './byte-window.js';
import { CaptureError } from './capture-error.js';
import { FileMapping, type MappingTuning } from './file-mapping.js';
import { ReadStatus } from './read-status.js';

/**
 * Read-buffer size: large reads (a few hundred system calls per GB), small enough to keep memory
 * flat and to stay in cache. Every page of fresh memory costs a fault when first written, ~11 µs
 * on the benchmark VM: a 4 MiB buffer cost 1,024 of them (measured: 8.4k → 7.6k minor faults for
 * the 2M-packet capture with 1 MiB). Grows only for huge blocks.
 */
const BUFFER_SIZE = 1024 * 1024;

/** Buffer for reads after a mapping: what a file grew by since it was opened (a parallel run's buffers replace it at once). */
const READ_ON_BYTES = 64 * 1024;

/** How a {@link FileCaptureReader} takes the file's bytes. */
export interface FileReadOptions {
  /**
   * `'auto'` (the default): mapped when that pays and is safe (see `FileMapping`), else read;
   * `true`: mapped whenever the system allows it (tests); `false`: always read.
   */
  map?: 'auto' | boolean;
  /** @internal Segment and lending sizes of a mapping (tests cross many segment boundaries with small ones). */
  mapping?: Omit<MappingTuning, 'force'>;
}

/**
 * Synchronous reader of a capture file in constant memory: large settled files are mapped and
 * their records read in place; others are read through one reusable buffer. Create it with
 * {@link openCapture}.
 *
 * @example
 * ```ts
 * const reader = openCapture('trace.pcap');
 * const record = new CaptureRecord();
 * while (reader.next(record) === ReadStatus.Record) handle(record);
 * reader.close();
 * ```
 */
export class FileCaptureReader extends BaseCaptureReader {
  /** File size in bytes (for progress: compare with {@link bytesRead}). */
  readonly size: number;
  private fd: number;
  private mapping: FileMapping | null = null;

  /** Opens the file and reads its header; throws a {@link CaptureError} if either fails. */
  constructor(path: string, options: FileReadOptions = {}) {
    let fd: number;
    try {
      fd = openSync(path, 'r');
    } catch (e) {
      throw new CaptureError(path, -1, `cannot open capture file (${(e as Error).message})`);
    }
    // reads at explicit offsets: a mapped file never moves the descriptor's position
    const window: ByteWindow = new ByteWindow(0, (buf, at, length) => readSync(fd, buf, at, length, window.base + at));
    super(path, window);
    this.fd = fd;
    const st = fileStat(fd);
    this.size = Number(st.size);
    const map = options.map ?? 'auto';
    if (map !== false && st.isFile()) this.mapping = FileMapping.open(fd, this.size, Number(st.mtimeMs), (w, n) => this.readOn(w, n), { ...options.mapping, force: map === true });
    if (this.mapping !== null) window.lender = this.mapping;
    else window.buf = new Uint8Array(BUFFER_SIZE);
    if (this.readHeader() !== ReadStatus.Record) {
      this.close();
      throw this.error!;
    }
  }

  /** True while the file's bytes come from a mapping (see {@link FileReadOptions.map}). */
  get mapped(): boolean {
    return this.mapping !== null;
  }

  /**
   * Lets threads of this process read the records in place after this reader passed them: a
   * mapped file leaves the pages it read mapped, for the caller to give back once those threads
   * are past them (`releaseMappedSegment`; see `mappedAddress`). Returns false when the file is
   * read, not mapped ({@link useBuffers} then).
   */
  shareMapping(): boolean {
    if (this.mapping === null) return false;
    this.mapping.share();
    return true;
  }

  /** Records must stay where they are in the supplier's buffers: the file is read into them from here on. */
  override useBuffers(buffers: WindowBuffers): void {
    this.unmap();
    super.useBuffers(buffers);
  }

  /** Closes the file; later `next()` calls return `ReadStatus.End`. Idempotent. */
  close(): void {
    if (this.fd < 0) return;
    this.mapping?.release();
    this.mapping = null;
    this.window.lender = null;
    closeSync(this.fd);
    this.fd = -1;
    this.window.consumeAll();
    this.window.ended = true;
  }

  /** The mapping ended (it holds the file as it was opened): reads go on from the position reached. */
  private readOn(w: ByteWindow, n: number): boolean {
    this.unmap(n);
    return w.ensure(n);
  }

  /**
   * Goes on with reads from the position reached, in a buffer of at least `n` bytes: what the
   * mapping lent beyond it is read again from the file, not copied (a parallel run switching to its
   * shared chunks took the lent 32 MiB as a private buffer, and their records as copies).
   */
  private unmap(n = 0): void {
    const mapping = this.mapping;
    if (mapping === null) return;
    this.mapping = null;
    const w = this.window;
    w.base += w.start;
    w.start = 0;
    w.end = 0;
    w.buf = new Uint8Array(Math.max(READ_ON_BYTES, n));
    w.lender = null;
    mapping.release();
  }
}
