/**
 * Reads up to `length` bytes into `buf` at `at`; returns the number read, 0 at end of source.
 */
export type ByteFiller = (buf: Uint8Array, at: number, length: number) => number;

/**
 * A source that lends its own memory instead of copying into the window's buffer (a shared ring
 * filled by another thread): {@link lend} points `buf`, `start`, `end` and `base` at the source's
 * bytes from `position` on. Returns true when `n` bytes are there; sets `ended` when no more will
 * come.
 */
export interface WindowLender {
  lend(w: ByteWindow, n: number): boolean;
}

/**
 * Where a window takes the buffers it continues in, instead of reusing its own: the records of
 * a buffer it left stay intact until the supplier hands that buffer out again (parallel meters
 * let their workers read records in place, in shared memory, and recycle a buffer once every
 * worker is past it).
 */
export interface WindowBuffers {
  /** A buffer of at least `size` bytes (the unread bytes plus what the window needs); the window stops writing to the one it had. */
  next(size: number): Uint8Array;
}

/**
 * One reusable buffer holding the unread bytes of a source, shared by the file and the stream
 * readers so that both run the same parsers. A record that straddles the end of the buffer is
 * moved to its front (`copyWithin`); the buffer only grows when a single record is larger than
 * it, and parsers cap record sizes, so memory stays bounded whatever the source size.
 *
 * @example
 * ```ts
 * const w = new ByteWindow(1 << 22, (buf, at, len) => readSync(fd, buf, at, len, null));
 * if (w.ensure(16)) { const first = w.buf[w.start]; w.consume(16); }
 * ```
 */
export class ByteWindow {
  /** Current buffer; may be replaced when it grows, so re-read it after {@link ensure}. */
  buf: Uint8Array;
  /** Index in {@link buf} of the first unread byte. */
  start = 0;
  /** Index in {@link buf} just past the last valid byte. */
  end = 0;
  /** Source offset of `buf[0]`. */
  base = 0;
  /** No more bytes will arrive (end of file, or `end()` on a stream). */
  ended = false;
  /** Set instead of a filler when the source lends its memory (see {@link WindowLender}). */
  lender: WindowLender | null = null;
  /** Supplier of the next buffers, or null (the window compacts and reuses its own). */
  private buffers: WindowBuffers | null = null;

  constructor(
    initialSize: number,
    private readonly filler: ByteFiller | null,
  ) {
    this.buf = new Uint8Array(initialSize);
  }

  /** Source offset of the first unread byte (bytes consumed so far). */
  get position(): number {
    return this.base + this.start;
  }

  /** Unread bytes held in the buffer. */
  get available(): number {
    return this.end - this.start;
  }

  /**
   * Makes `n` bytes available from {@link start}, reading from the filler (or asking the lender)
   * if there is one. Returns false when they are not there (yet): check {@link ended} to tell a
   * short source from a stream that needs more bytes. May move the bytes: re-read `buf` and
   * `start` after.
   */
  ensure(n: number): boolean {
    if (this.end - this.start >= n) return true;
    if (this.ended) return false;
    if (this.lender !== null) return this.lender.lend(this, n);
    if (this.filler === null) return false;
    this.makeRoom(n);
    const buf = this.buf;
    while (this.end - this.start < n) {
      const got = this.filler(buf, this.end, buf.length - this.end);
      if (got <= 0) {
        this.ended = true;
        return false;
      }
      this.end += got;
    }
    return true;
  }

  /** Marks `n` bytes as read. */
  consume(n: number): void {
    // no rewind when the last byte is read: the next fill compacts (makeRoom), and a branch taken
    // only at such a rare moment would throw the parsers' compiled code away (no type feedback)
    this.start += n;
  }

  /** Drops every unread byte (end of a truncated source). */
  consumeAll(): void {
    this.consume(this.end - this.start);
  }

  /** Appends bytes (stream sources). */
  push(chunk: Uint8Array): void {
    if (this.end + chunk.length > this.buf.length) this.makeRoom(this.end - this.start + chunk.length);
    this.buf.set(chunk, this.end);
    this.end += chunk.length;
  }

  /**
   * From now on, continues in buffers from `buffers` whenever the current one is used up (the
   * unread bytes move to the new buffer); the unread bytes move to a first one at once.
   */
  useBuffers(buffers: WindowBuffers): void {
    this.buffers = buffers;
    this.moveTo(buffers.next(this.end - this.start));
  }

  /** Ensures `buf[start, start + n)` fits in the buffer: compacts, then grows if needed. */
  private makeRoom(n: number): void {
    if (this.start + n <= this.buf.length) return;
    if (this.buffers !== null) {
      this.moveTo(this.buffers.next(n));
      return;
    }
    if (this.start > 0) {
      this.buf.copyWithin(0, this.start, this.end);
      this.base += this.start;
      this.end -= this.start;
      this.start = 0;
    }
    if (n > this.buf.length) {
      const bigger = new Uint8Array(Math.max(n, this.buf.length * 2));
      bigger.set(this.buf.subarray(0, this.end));
      this.buf = bigger;
    }
  }

  /** Continues in `next`: the unread bytes move to its start (the old buffer is left as it is). */
  private moveTo(next: Uint8Array): void {
    next.set(this.buf.subarray(this.start, this.end), 0);
    this.base += this.start;
    this.end -= this.start;
    this.start = 0;
    this.buf = next;
  }
}
