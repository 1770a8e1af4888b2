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
  return hidesIps(columns) || hidesMacs(columns);
}

/** Whether hashing `columns` hides IP addresses (`src_ip` or `dst_ip` among them). */
export function hidesIps(columns: readonly string[]): boolean {
  return columns.some((c) => IP_COLUMNS.includes(c));
}

/** Whether hashing `columns` hides MAC addresses (`src_mac` or `dst_mac` among them). */
export function hidesMacs(columns: readonly string[]): boolean {
  return columns.some((c) => MAC_COLUMNS.includes(c));
}

/** Flow columns besides the address columns whose values can tell an address. */
const TELLING_COLUMNS: Readonly<Record<string, 'ip' | 'mac'>> = { requested_server_name: 'ip', src_oui: 'mac', dst_oui: 'mac' };

/**
 * The output columns left in clear that can tell the addresses the output hashes: the server name
 * (an IP literal, a reverse-DNS name), the MAC vendor prefixes, and plugin fields that say so
 * (`addressFields`: `plugins` maps each plugin's field names, without `udps.`, to what they tell).
 *
 * @example addressesLeftInClear(['src_ip', 'requested_server_name'], ['src_ip', 'dst_ip'], []) // ['requested_server_name']
 */
export function addressesLeftInClear(columns: readonly string[], anonymized: readonly string[], plugins: readonly Readonly<Record<string, 'ip' | 'mac'>>[]): string[] {
  const ips = hidesIps(anonymized);
  const macs = hidesMacs(anonymized);
  if (!ips && !macs) return [];
  const tells = (name: string): 'ip' | 'mac' | undefined => {
    if (!name.startsWith('udps.')) return TELLING_COLUMNS[name];
    for (const fields of plugins) if (fields[name.slice(5)] !== undefined) return fields[name.slice(5)];
    return undefined;
  };
  return columns.filter((c) => {
    const kind = tells(c);
    return !anonymized.includes(c) && ((kind === 'ip' && ips) || (kind === 'mac' && macs));
  });
}
