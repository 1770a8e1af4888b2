/** The flow columns that hold IP addresses: hashing them hides the addresses everywhere else an output names one. */
export const IP_COLUMNS: readonly string[] = ['src_ip', 'dst_ip'];
/** The flow columns that hold MAC addresses. */
export const MAC_COLUMNS: readonly string[] = ['src_mac', 'dst_mac'];
