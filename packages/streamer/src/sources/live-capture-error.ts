/**
 * A live capture that could not be set up. `nfstreamMessage` is NFStream's text for the failing
 * step (spec §8: `Unable to activate source.`, `Unable to set snaplen.`, `Unable to set promisc
 * mode.`, `Unable to set buffer timeout.`, `<iface>: <libpcap text>` for the buffer size,
 * `Unable to compile BPF filter.`); `message` adds libpcap's own explanation.
 *
 * @example
 * ```ts
 * import { LiveCapture, LiveCaptureError } from '@flowstream/streamer';
 *
 * try {
 *   new LiveCapture('nosuchif0').start();
 * } catch (e) {
 *   if (e instanceof LiveCaptureError) console.error(e.nfstreamMessage, e.interfaceName, e.detail);
 * }
 * ```
 */
export class LiveCaptureError extends Error {
  override readonly name = 'LiveCaptureError';
  constructor(
    /** NFStream's message for this failure. */
    readonly nfstreamMessage: string,
    /** Interface being opened. */
    readonly interfaceName: string,
    /** libpcap's text, or "". */
    readonly detail: string,
  ) {
    super(detail === '' ? nfstreamMessage : `${nfstreamMessage} ${interfaceName}: ${detail}${hint(detail)}`);
  }
}

function hint(detail: string): string {
  return /permission|not permitted/i.test(detail)
    ? ' (live capture needs root, or the CAP_NET_RAW and CAP_NET_ADMIN capabilities)'
    : '';
}
