import { BpfCompileError, compileBpf } from '@flowstream/core';

/** DLT_EN10MB: any link type would do for the failures below. */
const DLT_ETHERNET = 1;
/**
 * libpcap's failures that no link type changes: the expression's grammar, numbers out of range,
 * names that do not resolve. A filter may still fail for one capture's link type only (`vlan` on
 * Linux cooked captures): that is the input's error, reported when the input is opened.
 */
const WRONG_FOR_EVERY_LINK = /syntax error|illegal (port number|token|character)|unknown (host|port|ip proto|protocol|net)|mask length|greater than maximum/;

/**
 * libpcap's message when `expression` is wrong whatever the capture (so `--bpf-filter` is a usage
 * error before any input is read), else null; null too when libpcap cannot be loaded (the run says
 * what to install).
 *
 * @example
 * ```ts
 * filterSyntaxError('tcp and'); // "can't parse filter expression: syntax error"
 * filterSyntaxError('vlan'); // null: valid on Ethernet, refused on some link types at their input
 * ```
 */
export function filterSyntaxError(expression: string): string | null {
  try {
    compileBpf(expression, DLT_ETHERNET);
    return null;
  } catch (err) {
    return err instanceof BpfCompileError && WRONG_FOR_EVERY_LINK.test(err.libpcapMessage) ? err.libpcapMessage : null;
  }
}
