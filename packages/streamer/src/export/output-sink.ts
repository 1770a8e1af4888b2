import { closeSync, openSync, writeSync } from 'node:fs';

/** Where text exports write: a file descriptor written synchronously in large chunks. */
export interface TextSink {
  write(chunk: string): void;
  /** Writes `text` and a `\n`. */
  writeLine(text: string): void;
  close(): void;
}

/** Bytes buffered before a write system call. */
const BUFFER_BYTES = 1 << 20;
/** Characters of lines joined before they are encoded into the buffer. */
const PENDING_CHARS = 16 << 10;

/** Opens `path` for writing (`-` = standard output). */
export function openTextSink(path: string): TextSink {
  if (path === '-') return new FdSink(1, false);
  return new FdSink(openSync(path, 'w'), true);
}

/**
 * Encodes each line straight into one reusable buffer (no long-lived concatenated strings: they
 * survive young-generation collections and make GC the bottleneck of an export).
 */
class FdSink implements TextSink {
  private readonly out = Buffer.allocUnsafe(BUFFER_BYTES);
  private pos = 0;
  /** Lines joined in JS before one encode call (fewer JS→native crossings; still dies young). */
  private pending = '';

  constructor(
    private readonly fd: number,
    private readonly owned: boolean,
  ) {}

  write(chunk: string): void {
    if (this.pending.length > 0) this.encodePending();
    this.encode(chunk);
  }

  writeLine(text: string): void {
    this.pending += `${text}\n`;
    if (this.pending.length >= PENDING_CHARS) this.encodePending();
  }

  private encodePending(): void {
    const text = this.pending;
    this.pending = '';
    this.encode(text);
  }

  private encode(chunk: string): void {
    // worst case 3 bytes per UTF-16 unit
    if (chunk.length * 3 > BUFFER_BYTES - this.pos) {
      this.flush();
      if (chunk.length * 3 > BUFFER_BYTES) {
        this.writeAll(Buffer.from(chunk, 'utf8'));
        return;
      }
    }
    this.pos += this.out.write(chunk, this.pos, 'utf8');
  }

  private flush(): void {
    if (this.pos > 0) this.writeAll(this.out.subarray(0, this.pos));
    this.pos = 0;
  }

  private writeAll(buf: Uint8Array): void {
    let off = 0;
    while (off < buf.length) {
      try {
        off += writeSync(this.fd, buf, off, buf.length - off);
      } catch (err) {
        // a non-blocking stdout pipe may be full: wait for the reader instead of failing
        if ((err as NodeJS.ErrnoException).code !== 'EAGAIN') throw err;
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1);
      }
    }
  }

  close(): void {
    if (this.pending.length > 0) this.encodePending();
    this.flush();
    if (this.owned) closeSync(this.fd);
  }
}

/** A sink collecting the text in memory (tests, small exports). */
export class StringSink implements TextSink {
  text = '';
  closed = false;
  write(chunk: string): void {
    this.text += chunk;
  }
  writeLine(text: string): void {
    this.text += `${text}\n`;
  }
  close(): void {
    this.closed = true;
  }
}
