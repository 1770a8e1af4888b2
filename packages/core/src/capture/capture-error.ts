/**
 * A capture source that cannot be read on (corrupt structure, impossible lengths, not a capture).
 * Always names the source and, where known, the byte offset of the offending record or block.
 *
 * @example
 * ```ts
 * import { CaptureError, openCapture } from '@flowstream/core';
 *
 * try {
 *   openCapture('notes.txt').close();
 * } catch (e) {
 *   if (e instanceof CaptureError) console.error(e.message, e.source, e.offset); // a text file: 'not a pcap or pcapng file: notes.txt'
 * }
 * ```
 */
export class CaptureError extends Error {
  override readonly name = 'CaptureError';
  constructor(
    /** Path (or stream name) of the source. */
    readonly source: string,
    /** Byte offset in the source where reading failed, or -1 when not applicable. */
    readonly offset: number,
    message: string,
    /** False when `message` already names the source. */
    prefixSource = true,
  ) {
    const where = prefixSource ? `${source}: ${message}` : message;
    super(offset >= 0 ? `${where} at byte offset ${offset}` : where);
  }

  /** The error for a source that is neither pcap nor pcapng: `not a pcap or pcapng file: PATH`. */
  static notACapture(source: string, empty = false): CaptureError {
    return new CaptureError(source, -1, `not a pcap or pcapng file: ${source}${empty ? ' (it is empty)' : ''}`, false);
  }
}
