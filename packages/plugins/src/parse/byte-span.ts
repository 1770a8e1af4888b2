/**
 * A half-open byte range `[start, end)` inside a buffer. Plugins keep one per instance and let the
 * parse helpers fill it, so per-packet parsing allocates nothing.
 *
 * @example
 * ```ts
 * const span = new ByteSpan();
 * if (ipv4Payload(packet._data, packet._ipOffset, packet._ipLength, span) === 17) { … span.start … }
 * ```
 */
export class ByteSpan {
  start = 0;
  end = 0;

  /** Number of bytes in the range (never negative). */
  get length(): number {
    return this.end > this.start ? this.end - this.start : 0;
  }
}
