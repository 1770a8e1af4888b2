const DLT_NULL = 0;
const DLT_EN10MB = 1;
const DLT_RAW = 12;
const DLT_LINUX_SLL = 113;

/**
 * Best-effort original length of a frame cut by the snapshot length. `cap` reports only the
 * captured length, so for a truncated frame the wire length is rebuilt from the link header
 * size plus the IPv4 total length / IPv6 payload length (Ethernet with VLAN tags, Linux SLL,
 * NULL, raw IP). Anything else, or a header that says less than was captured, gives `caplen`.
 *
 * @example
 * ```ts
 * record.wireLength = truncated ? estimateWireLength(buf, caplen, dlt) : caplen;
 * ```
 */
export function estimateWireLength(d: Uint8Array, caplen: number, dlt: number): number {
  let ip = -1;
  if (dlt === DLT_EN10MB) {
    ip = 14;
    let type = caplen >= 14 ? (d[12]! << 8) | d[13]! : 0;
    while ((type === 0x8100 || type === 0x88a8 || type === 0x9100) && ip + 4 <= caplen) {
      type = (d[ip + 2]! << 8) | d[ip + 3]!;
      ip += 4;
    }
    if (type !== 0x0800 && type !== 0x86dd) return caplen;
  } else if (dlt === DLT_LINUX_SLL) {
    ip = 16;
  } else if (dlt === DLT_NULL) {
    ip = 4;
  } else if (dlt === DLT_RAW) {
    ip = 0;
  } else {
    return caplen;
  }
  if (ip + 6 > caplen) return caplen;
  const version = d[ip]! >> 4;
  let length = caplen;
  if (version === 4) length = ip + ((d[ip + 2]! << 8) | d[ip + 3]!);
  else if (version === 6) length = ip + 40 + ((d[ip + 4]! << 8) | d[ip + 5]!);
  return length > caplen ? length : caplen;
}
