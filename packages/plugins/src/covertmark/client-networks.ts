import { formatIp, parseIp, type IpBytes } from './ip-address.js';

/** One parsed client network: address bytes (4 or 16) and prefix length. */
export interface ClientNetwork {
  readonly text: string;
  readonly bytes: IpBytes;
  readonly prefix: number;
}

/**
 * Parses CovertMark client networks (spec §1.2): addresses or `address/prefix` blocks without host
 * bits. A bare address is a /32 or /128. Throws `RangeError` naming `option` for text that is not
 * a network (garbage, bad prefix, host bits set; spec §9.7) and `TypeError` for values that are not
 * strings.
 *
 * @example
 * ```ts
 * parseClientNetworks(['10.0.0.0/16', '2001:db8::5'])[1]!.prefix; // 128
 * ```
 */
export function parseClientNetworks(list: readonly string[], option = 'clientIps'): ClientNetwork[] {
  if (!Array.isArray(list)) throw new TypeError(`${option} must be a list of networks`);
  return list.map((text) => {
    if (typeof text !== 'string') throw new TypeError(`${option}: network ${String(text)} is not a string`);
    const slash = text.indexOf('/');
    const addr = slash < 0 ? text : text.slice(0, slash);
    const bytes = parseIp(addr);
    if (bytes === null) throw new RangeError(`${option}: '${text}' is not an IP network`);
    const max = bytes.length * 8;
    let prefix = max;
    if (slash >= 0) {
      const p = text.slice(slash + 1);
      if (!/^[0-9]{1,3}$/.test(p) || Number(p) > max) throw new RangeError(`${option}: bad prefix in '${text}'`);
      prefix = Number(p);
    }
    if (!hostBitsClear(bytes, prefix)) throw new RangeError(`${option}: '${text}' has host bits set`);
    return { text, bytes, prefix };
  });
}

function hostBitsClear(bytes: IpBytes, prefix: number): boolean {
  for (let bit = prefix; bit < bytes.length * 8; bit++) {
    if ((bytes[bit >> 3]! >> (7 - (bit & 7))) & 1) return false;
  }
  return true;
}

/**
 * True when `addr` (bytes) is in `net`: same IP version and equal under the prefix mask.
 *
 * @example
 * ```ts
 * inNetwork(parseIp('10.0.3.4')!, parseClientNetworks(['10.0.0.0/16'])[0]!); // true
 * ```
 */
export function inNetwork(addr: IpBytes, net: ClientNetwork): boolean {
  if (addr.length !== net.bytes.length) return false;
  const full = net.prefix >> 3;
  for (let i = 0; i < full; i++) if (addr[i] !== net.bytes[i]) return false;
  const rest = net.prefix & 7;
  if (rest === 0) return true;
  const mask = (0xff << (8 - rest)) & 0xff;
  return (addr[full]! & mask) === net.bytes[full];
}

/**
 * A memoising membership test over a network list, keyed by address text (window statistics test
 * every packet's `src` and `dst`). Unparseable addresses are in no network.
 *
 * @example
 * ```ts
 * const isClient = networkMatcher(parseClientNetworks(['10.0.0.0/8']));
 * isClient('10.1.2.3'); // true
 * ```
 */
export function networkMatcher(nets: readonly ClientNetwork[]): (addr: string) => boolean {
  const cache = new Map<string, boolean>();
  return (addr: string): boolean => {
    let r = cache.get(addr);
    if (r === undefined) {
      const bytes = parseIp(addr);
      r = bytes !== null && nets.some((n) => inNetwork(bytes, n));
      cache.set(addr, r);
    }
    return r;
  };
}

/**
 * The host-network text Python prints for an address: `a.b.c.d/32` or `<ipv6>/128` (spec §6.2).
 *
 * @example
 * ```ts
 * hostNetworkText('10.0.0.5'); // '10.0.0.5/32'
 * ```
 */
export function hostNetworkText(addr: string): string {
  const bytes = parseIp(addr);
  if (bytes === null) throw new TypeError(`'${addr}' is not an IP address`);
  return `${formatIp(bytes)}/${bytes.length * 8}`;
}
