import { writeSync } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import type { Writable } from 'node:stream';
import type { ByteCursor } from './byte-cursor.js';

/** Bytes buffered before a write. */
const TEXT_BUFFER = 1 << 20;
/** The cursor's buffer before the first byte. */
const NO_BYTES = Buffer.alloc(0);

/**
 * Bytes out to a file or a stream, one write in flight: `write` starts writing a chunk and
 * returns once the previous one is done, so the caller formats the next chunk while the system
 * writes this one, and memory stays at two chunks (backpressure).
 */
export class ByteOutput {
  private pending: Promise<unknown> | null = null;
  private failed: Error | null = null;
  /** Bytes written (or handed to the stream). */
  bytes = 0;

  private constructor(
    private readonly file: FileHandle | null,
    private readonly stream: Writable | null,
    /** A descriptor written synchronously (stdout redirected to a file), or -1. */
    private readonly fd = -1,
  ) {
    stream?.on('error', (err: Error) => {
      this.failed ??= err;
    });
  }

  static toFile(handle: FileHandle): ByteOutput {
    return new ByteOutput(handle, null);
  }

  static toStream(stream: Writable): ByteOutput {
    return new ByteOutput(null, stream);
  }

  /**
   * An open regular file's descriptor (stdout redirected to a file), written synchronously to the
   * last byte: Node's stream for such a stdout drops the rest of a write the disk took only in part
   * (a full disk), without an error.
   */
  static toDescriptor(fd: number): ByteOutput {
    return new ByteOutput(null, null, fd);
  }

  /**
   * The buffer being filled and the next write position: encoders write bytes here directly
   * (after {@link makeRoom}), text goes in through {@link appendText}. Two buffers alternate: one
   * is written while the other fills.
   */
  readonly cursor: ByteCursor = { buf: NO_BYTES, pos: 0, need: 0 };
  private spare: Buffer | null = null;

  /**
   * Encodes text straight into the buffer; false when it does not fit (then await
   * {@link appendTextSlow}). Callers pass small pieces (a few KiB): they die young in the GC,
   * unlike one big string per batch.
   */
  appendText(text: string): boolean {
    const c = this.cursor;
    if (text.length * 3 > c.buf.length - c.pos) {
      if (c.buf !== NO_BYTES || text.length * 3 > TEXT_BUFFER) return false;
      // never the spare: it may still be in flight (see flushText)
      c.buf = Buffer.allocUnsafe(TEXT_BUFFER);
    }
    c.pos += c.buf.write(text, c.pos, 'utf8');
    return true;
  }

  /** Hands the full buffer to the system (one write in flight), then appends `text`. */
  async appendTextSlow(text: string): Promise<void> {
    await this.flushText();
    if (!this.appendText(text)) await this.startWrite([Buffer.from(text, 'utf8')]);
  }

  /** Makes room for `n` bytes at the cursor: writes the buffer out first when they do not fit. */
  async makeRoom(n: number): Promise<void> {
    const c = this.cursor;
    if (c.buf.length - c.pos >= n) return;
    await this.flushText();
    if (c.buf.length - c.pos < n) c.buf = Buffer.allocUnsafe(Math.max(TEXT_BUFFER, n));
  }

  /** Writes the buffered bytes out (two buffers alternate: one is written while the other fills). */
  async flushText(): Promise<void> {
    const c = this.cursor;
    const b = c.buf;
    if (c.pos === 0) return;
    // a stream keeps the chunk until it is written: give it its own copy of the reused buffer
    const chunk = this.file !== null ? b.subarray(0, c.pos) : Buffer.from(b.subarray(0, c.pos));
    await this.startWrite([chunk]);
    // startWrite returned once the previous write finished: the spare (the buffer of that write)
    // is free again, while `b` is now in flight and becomes the spare
    c.buf = this.spare ?? NO_BYTES;
    c.pos = 0;
    this.spare = b;
  }

  /** Writes a string (UTF-8). */
  async write(text: string): Promise<void> {
    if (!this.appendText(text)) await this.appendTextSlow(text);
  }

  /** Writes chunks in order (after any text appended before). */
  async writeChunks(chunks: readonly Uint8Array[]): Promise<void> {
    await this.flushText();
    await this.startWrite(chunks);
  }

  /** Waits for the write in flight, then starts writing `chunks` (not awaited). */
  private async startWrite(chunks: readonly Uint8Array[]): Promise<void> {
    if (this.pending !== null) await this.waitPending();
    if (this.failed !== null) throw this.failed;
    let n = 0;
    for (const c of chunks) n += c.byteLength;
    if (n === 0) return;
    this.bytes += n;
    if (this.fd >= 0) {
      try {
        for (const c of chunks) writeAllSync(this.fd, c);
      } catch (err) {
        this.failed ??= err as Error;
        throw err;
      }
      return;
    }
    const file = this.file;
    if (file !== null) {
      this.pending = writeAllv(file, chunks).catch((err: Error) => {
        this.failed ??= err;
      });
      return;
    }
    const s = this.stream!;
    if (s.destroyed) throw this.failed ?? new Error('the output stream was closed');
    // the last chunk's callback is the write in flight: it says when the chunks left the stream, or
    // how they failed (stdout redirected to a full disk fails in its callback, not in write())
    const last = chunks.length - 1;
    for (let i = 0; i < last; i++) s.write(chunks[i]!);
    this.pending = new Promise<void>((resolve) => {
      s.write(chunks[last]!, (err?: Error | null) => {
        if (err) this.failed ??= err;
        resolve();
      });
    });
  }

  /** Writes pending text and waits for the write in flight; throws its error. */
  async settle(): Promise<void> {
    await this.flushText();
    await this.waitPending();
  }

  private async waitPending(): Promise<void> {
    const p = this.pending;
    this.pending = null;
    if (p !== null) await p;
    if (this.failed !== null) throw this.failed;
  }
}

function writeAllSync(fd: number, chunk: Uint8Array): void {
  for (let at = 0; at < chunk.byteLength; ) {
    const n = writeSync(fd, chunk, at, chunk.byteLength - at);
    if (n === 0) throw new Error('write returned 0 bytes');
    at += n;
  }
}

async function writeAllv(file: FileHandle, chunks: readonly Uint8Array[]): Promise<void> {
  let list = chunks.slice();
  while (list.length > 0) {
    const { bytesWritten } = await file.writev(list as Uint8Array[]);
    let left = bytesWritten;
    while (list.length > 0 && left >= list[0]!.byteLength) left -= list.shift()!.byteLength;
    if (left > 0) list[0] = list[0]!.subarray(left);
    if (bytesWritten === 0 && list.length > 0) throw new Error('write returned 0 bytes');
  }
}
