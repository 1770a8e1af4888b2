/** IANA's port for IPFIX (RFC 7011 §10.3.1). */
export const IPFIX_PORT = 4739;

/** A parsed `udp://HOST:PORT` target. */
export interface UdpTarget {
  readonly host: string;
  readonly port: number;
}

/**
 * Parses an IPFIX target: `udp://HOST[:PORT]` (port 4739 when absent; IPv6 hosts in brackets).
 * Throws a RangeError naming the target and the accepted form.
 *
 * @example parseUdpTarget('udp://[::1]:9995') // { host: '::1', port: 9995 }
 */
export function parseUdpTarget(target: string): UdpTarget {
  const form = 'expected udp://HOST:PORT (e.g. udp://127.0.0.1:4739)';
  let url: URL;
  try {
    url = new URL(target);
  } catch {
    throw new RangeError(`Invalid IPFIX target ${JSON.stringify(target)}: ${form}`);
  }
  if (url.protocol !== 'udp:') throw new RangeError(`Invalid IPFIX target ${JSON.stringify(target)}: scheme ${url.protocol.slice(0, -1)} is not supported, ${form}`);
  if (url.hostname === '' || (url.pathname !== '' && url.pathname !== '/') || url.search !== '' || url.username !== '') {
    throw new RangeError(`Invalid IPFIX target ${JSON.stringify(target)}: ${form}`);
  }
  const port = url.port === '' ? IPFIX_PORT : Number(url.port);
  if (port < 1 || port > 65535) throw new RangeError(`Invalid IPFIX target ${JSON.stringify(target)}: port must be 1…65535`);
  const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  return { host, port };
}
