import { FLOW_FILE_FORMAT_NAMES, flowFormatOfBytes } from './flow-file-format.js';

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

  /**
   * The error for a source that is neither pcap nor pcapng: `not a pcap or pcapng file: PATH`, with
   * what it is when its first bytes say (`head`, null when they are not known): empty, or flows
   * written earlier, which `flowstream report` reads.
   */
  static notACapture(source: string, head: Uint8Array | null): CaptureError {
    return new CaptureError(source, -1, `not a pcap or pcapng file: ${source}${head === null ? '' : whatItIs(head)}`, false);
  }
}

/** ` (it is empty)`, ` (it is an Arrow IPC file, flows written earlier: …)` and the like, or ''. */
function whatItIs(head: Uint8Array): string {
  if (head.length === 0) return ' (it is empty)';
  const format = flowFormatOfBytes(head);
  if (format === null) return '';
  const name = FLOW_FILE_FORMAT_NAMES[format];
  return ` (it is ${/^[AEIOU]/.test(name) ? 'an' : 'a'} ${name}, flows written earlier: 'flowstream report' reads them)`;
}
