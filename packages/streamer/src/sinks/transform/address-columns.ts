/** The flow columns that hold IP addresses: hashing them hides the addresses everywhere else an output names one. */
export const IP_COLUMNS: readonly string[] = ['src_ip', 'dst_ip'];
/** The flow columns that hold MAC addresses. */
export const MAC_COLUMNS: readonly string[] = ['src_mac', 'dst_mac'];

/**
 * Whether hashing `columns` hides addresses (an IP or MAC column among them): then no text an output
 * carries about the run (its manifest's filter, an error naming a flow) may show one.
 *
 * @example hidesAddresses(['src_ip', 'user_agent']) === true
 */
export function hidesAddresses(columns: readonly string[]): boolean {
  return columns.some((c) => IP_COLUMNS.includes(c) || MAC_COLUMNS.includes(c));
}
