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

  constructor(
    private readonly fd: number,
    private readonly owned: boolean,
  ) {}

  write(chunk: string): void {
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

  writeLine(text: string): void {
    if (text.length * 3 + 1 > BUFFER_BYTES - this.pos) {
      this.write(text);
      this.write('\n');
      return;
    }
    const out = this.out;
    this.pos += out.write(text, this.pos, 'utf8');
    out[this.pos++] = 0x0a;
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
