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
   * what it is when its first bytes say (`head`): empty, or flows written earlier, which `flowstream
   * report` reads.
   */
  static notACapture(source: string, head: Uint8Array): CaptureError {
    const what = head.length === 0 ? ' (it is empty)' : flowFileHint(head);
    return new CaptureError(source, -1, `not a pcap or pcapng file: ${source}${what}`, false);
  }
}

/** ` (it is … flows …)` when `head` begins as a flow file flowstream writes, else ''. */
function flowFileHint(head: Uint8Array): string {
  const text = Buffer.from(head.buffer, head.byteOffset, Math.min(head.length, 4096)).toString('latin1');
  let kind: string | null = null;
  if (text.startsWith('ARROW1')) kind = 'an Arrow IPC file';
  else if (text.startsWith('PAR1')) kind = 'a Parquet file';
  else if (text.startsWith('\xff\xff\xff\xff')) kind = 'an Arrow IPC stream';
  else if (/^[\w.]+(,[\w.]+)*,src_ip,/.test(text)) kind = 'a flow CSV file';
  return kind === null ? '' : ` (it is ${kind}, flows written earlier: 'flowstream report' reads them)`;
}
