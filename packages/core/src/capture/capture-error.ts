/**
 * A capture source that cannot be read on (corrupt structure, impossible lengths, not a capture).
 * Always names the source and, where known, the byte offset of the offending record or block.
 */
export class CaptureError extends Error {
  override readonly name = 'CaptureError';
  constructor(
    /** Path (or stream name) of the source. */
    readonly source: string,
    /** Byte offset in the source where reading failed, or -1 when not applicable. */
    readonly offset: number,
    message: string,
  ) {
    super(offset >= 0 ? `${source}: ${message} at byte offset ${offset}` : `${source}: ${message}`);
  }
}
