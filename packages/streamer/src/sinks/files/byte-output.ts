import { once } from 'node:events';
import type { FileHandle } from 'node:fs/promises';
import type { Writable } from 'node:stream';

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

  /** Writes a string (UTF-8). */
  write(text: string): Promise<void> {
    return this.writeChunks([Buffer.from(text, 'utf8')]);
  }

  /** Writes chunks in order. */
  async writeChunks(chunks: readonly Uint8Array[]): Promise<void> {
    if (this.pending !== null) await this.settle();
    if (this.failed !== null) throw this.failed;
    let n = 0;
    for (const c of chunks) n += c.byteLength;
    if (n === 0) return;
    this.bytes += n;
    const file = this.file;
    if (file !== null) {
      this.pending = writeAllv(file, chunks).catch((err: Error) => {
        this.failed ??= err;
      });
      return;
    }
    const s = this.stream!;
    if (s.destroyed) throw this.failed ?? new Error('the output stream was closed');
    let ok = true;
    for (const c of chunks) ok = s.write(c);
    if (!ok) this.pending = waitDrain(s).catch((err: Error) => {
      this.failed ??= err;
    });
  }

  /** Waits for the write in flight; throws its error. */
  async settle(): Promise<void> {
    const p = this.pending;
    this.pending = null;
    if (p !== null) await p;
    if (this.failed !== null) throw this.failed;
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

async function waitDrain(out: Writable): Promise<void> {
  const ac = new AbortController();
  try {
    await Promise.race([
      once(out, 'drain', { signal: ac.signal }),
      once(out, 'close', { signal: ac.signal }).then(() => {
        throw out.errored ?? new Error('the output stream closed during the export');
      }),
    ]);
  } finally {
    ac.abort();
  }
}
