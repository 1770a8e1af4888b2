/**
 * DLT values the decoder switches on (spec §1.1, §1.4). Capture files store LINKTYPE values;
 * {@link linkTypeToDlt} maps them the way libpcap 1.10 does on Linux.
 *
 * @example
 * ```ts
 * if (record.linkType === DLT_EN10MB) decodeEthernet(record);
 * ```
 */
export const DLT_NULL = 0;
export const DLT_EN10MB = 1;
export const DLT_PPP = 9;
export const DLT_RAW = 12;
export const DLT_PPP_SERIAL = 50;
export const DLT_C_HDLC = 104;
export const DLT_IEEE802_11 = 105;
export const DLT_LOOP = 108;
export const DLT_LINUX_SLL = 113;
export const DLT_IEEE802_11_RADIO = 127;
export const DLT_IPV4 = 228;
export const DLT_IPV6 = 229;
/** Linux cooked v2: NFStream ignores it; flowstream decodes it as a deliberate extension. */
export const DLT_LINUX_SLL2 = 276;

/** LINKTYPE_RAW: the portable value of raw IP, mapped to {@link DLT_RAW}. */
export const LINKTYPE_RAW = 101;

/**
 * `record.linkType` of a pcapng packet that libpcap refuses because of its interface: an IDB that
 * differs from the first one (link type, snap length, bad options) or an interface id with no
 * IDB (spec §1.1). NFStream skips such packets silently; flowstream delivers them so the decoder
 * can count them as ignored.
 *
 * @example
 * ```ts
 * if (record.linkType < 0) ignored++; // LINKTYPE_INVALID_INTERFACE or LINKTYPE_INVALID_RECORD
 * ```
 */
export const LINKTYPE_INVALID_INTERFACE = -1;

/**
 * `record.linkType` of a pcapng packet block that libpcap rejects while reading on: captured
 * length above the snapshot length, captured bytes beyond the block, block too short for its
 * fixed part, or header/trailer lengths that differ. `caplen` is 0 for these.
 *
 * @example
 * ```ts
 * if (record.linkType === LINKTYPE_INVALID_RECORD) badRecords++;
 * ```
 */
export const LINKTYPE_INVALID_RECORD = -2;

/**
 * Maps a file's LINKTYPE to the DLT value used by the decoder, as libpcap 1.10 `linktype_to_dlt`
 * does on Linux: values that differ between platforms are mapped, all others are kept as is
 * (so a file saying 12 also means raw IP, spec §1.1).
 *
 * @example
 * ```ts
 * linkTypeToDlt(101); // 12 (DLT_RAW)
 * linkTypeToDlt(1);   // 1
 * ```
 */
export function linkTypeToDlt(linkType: number): number {
  switch (linkType) {
    case 100: // LINKTYPE_ATM_RFC1483
      return 11;
    case LINKTYPE_RAW:
      return DLT_RAW;
    case 102: // LINKTYPE_SLIP_BSDOS
      return 15;
    case 103: // LINKTYPE_PPP_BSDOS
      return 16;
    default:
      return linkType;
  }
}

/** Largest captured length libpcap accepts for the link types we care about (MAXIMUM_SNAPLEN). */
export const MAXIMUM_SNAPLEN = 262144;

/**
 * libpcap's `pcap_adjust_snapshot`: a snapshot length of 0 or above {@link MAXIMUM_SNAPLEN} means
 * {@link MAXIMUM_SNAPLEN}.
 *
 * @example
 * ```ts
 * adjustSnaplen(0); // 262144
 * adjustSnaplen(65535); // 65535
 * ```
 */
export function adjustSnaplen(snaplen: number): number {
  return snaplen === 0 || snaplen > MAXIMUM_SNAPLEN ? MAXIMUM_SNAPLEN : snaplen;
}
