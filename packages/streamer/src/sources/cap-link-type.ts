/**
 * Maps the link-type string `cap`'s `open()` returns to the DLT value the decoder switches on
 * (`cap` only names NULL, EN10MB, IEEE802_11_RADIO, LINUX_SLL and RAW; other DLTs come back as
 * "Unknown linktype N").
 *
 * @returns the DLT, or -1 when the string is not understood.
 * @example
 * ```ts
 * capLinkTypeToDlt('ETHERNET'); // 1
 * ```
 */
export function capLinkTypeToDlt(linkType: string): number {
  switch (linkType) {
    case 'NULL':
      return 0;
    case 'ETHERNET':
      return 1;
    case 'RAW':
      return 12;
    case 'LINKTYPE_LINUX_SLL':
      return 113;
    case 'IEEE802_11_RADIO':
      return 127;
    default: {
      const m = /^Unknown linktype (\d+)$/.exec(linkType);
      return m === null ? -1 : Number(m[1]);
    }
  }
}
