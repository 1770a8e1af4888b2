import type { CaptureReader } from '@flowstream/core';

/** One input of a run, opened lazily in order (files) or already open (streams, live). */
export interface RunInput {
  readonly name: string;
  /** Opens the reader (throws CaptureError when the source is not a capture). */
  open(): CaptureReader;
  /** File size, when known (manifest, progress). */
  readonly size?: number;
  /**
   * Stream inputs: resolves when more bytes can be read after `NeedMore`, or after `timeoutMs`
   * (when given) with nothing new; no byte is lost either way.
   */
  waitForData?(timeoutMs?: number): Promise<void>;
  /** Stream inputs: a stop request; a pending {@link waitForData} resolves at once and the stream is released. */
  abort?(): void;
  /** Live inputs: stops capturing; the reader ends once what was captured is read. */
  stop?(): void;
  /** Live inputs: the wall clock (ms), so idle flows expire while no packet arrives. */
  clockNow?(): number;
  /** SHA-256 (hex) of the bytes read, once the input was read to its end; null when not hashed. */
  sha256?(): Promise<string | null>;
}
