/**
 * Dotted-quad text of the 4 bytes at `offset`.
 *
 * @example
 * ```ts
 * ipv4Text(new Uint8Array([192, 168, 0, 10]), 0); // '192.168.0.10'
 * ```
 */
export function ipv4Text(data: Uint8Array, offset: number): string {
  return `${data[offset]}.${data[offset + 1]}.${data[offset + 2]}.${data[offset + 3]}`;
}

/**
 * Python's `str(ipaddress.ip_address(int.from_bytes(bytes, 'big')))`: an IPv4 address below 2^32,
 * an IPv6 address (RFC 5952 compressed, as Python prints it) below 2^128, otherwise a
 * `RangeError` (Python raises `ValueError` there, which NFStream does not catch).
 *
 * @example
 * ```ts
 * ipTextFromInteger(new Uint8Array([192, 168, 0, 10])); // '192.168.0.10'
 * ipTextFromInteger(new Uint8Array([0, 10]));           // '0.0.0.10'
 * ```
 */
export function ipTextFromInteger(bytes: Uint8Array): string {
  let value = 0n;
  for (let i = 0; i < bytes.length; i++) value = (value << 8n) | BigInt(bytes[i]!);
  if (value < 0x1_0000_0000n) {
    const v = Number(value);
    return `${v >>> 24}.${(v >>> 16) & 255}.${(v >>> 8) & 255}.${v & 255}`;
  }
  if (value >= 1n << 128n) throw new RangeError(`${value} does not appear to be an IPv4 or IPv6 address`);
  const groups: number[] = [];
  for (let i = 7; i >= 0; i--) groups.push(Number((value >> BigInt(i * 16)) & 0xffffn));
  return pythonIpv6Text(groups);
}

/**
 * IPv6 text as Python's `ipaddress` writes it: lowercase groups, the longest (first on ties) run
 * of ≥ 2 zero groups becomes `::` (no dotted IPv4 tail, unlike glibc).
 *
 * @example pythonIpv6Text([0x2001, 0xdb8, 0, 0, 0, 0, 0, 1]) === '2001:db8::1'
 */
export function pythonIpv6Text(groups: readonly number[]): string {
  let bestStart = -1;
  let bestLength = 0;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestLength < 2) return hex.join(':');
  const head = hex.slice(0, bestStart).join(':');
  const tail = hex.slice(bestStart + bestLength).join(':');
  return `${head}::${tail}`;
}
