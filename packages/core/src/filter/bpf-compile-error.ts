/**
 * A BPF expression libpcap refused. `message` is libpcap's own text (`pcap_geterr`); NFStream
 * reports every such failure as `Unable to compile BPF filter.` (spec §1.11, §8), available as
 * {@link BpfCompileError.nfstreamMessage}.
 *
 * @example
 * ```ts
 * import { BpfCompileError, compileBpf } from '@flowstream/core';
 *
 * try {
 *   compileBpf('tcp port 99999', 1); // libpcap: illegal port number 99999 > 65535
 * } catch (e) {
 *   if (e instanceof BpfCompileError) console.error(e.expression, e.libpcapMessage, BpfCompileError.nfstreamMessage);
 * }
 * ```
 */
export class BpfCompileError extends Error {
  override readonly name = 'BpfCompileError';
  /** NFStream's text for this failure. */
  static readonly nfstreamMessage = 'Unable to compile BPF filter.';
  constructor(
    /** The expression as given. */
    readonly expression: string,
    /** DLT it was compiled for. */
    readonly linkType: number,
    /** libpcap's error text. */
    readonly libpcapMessage: string,
    /** The capture it was compiled for (its path or stream name), when known. */
    readonly source: string | null = null,
  ) {
    super(source === null ? libpcapMessage : `${source}: BPF filter "${expression}" (link type ${linkType}): ${libpcapMessage}`);
  }

  /** The same failure, its message naming the capture whose link type it was compiled for. */
  forSource(source: string): BpfCompileError {
    return new BpfCompileError(this.expression, this.linkType, this.libpcapMessage, source);
  }
}
