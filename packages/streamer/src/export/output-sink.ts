import { closeSync, openSync, writeSync } from 'node:fs';

/** Where text exports write: a file descriptor written synchronously in large chunks. */
export interface TextSink {
  write(chunk: string): void;
  close(): void;
}

/** Opens `path` for writing (`-` = standard output). */
export function openTextSink(path: string): TextSink {
  if (path === '-') return new FdSink(1, false);
  return new FdSink(openSync(path, 'w'), true);
}

class FdSink implements TextSink {
  constructor(
    private readonly fd: number,
    private readonly owned: boolean,
  ) {}

  write(chunk: string): void {
    const buf = Buffer.from(chunk, 'utf8');
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
  close(): void {
    this.closed = true;
  }
}
