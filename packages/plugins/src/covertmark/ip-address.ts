/**
 * IP address text handling as CovertMark gets it from Python's `ipaddress` (spec §1.2): parsing to
 * 16 bytes (IPv4 in the first 4) and the canonical text form.
 */

import { pythonIpv6Text } from '../parse/ip-text.js';

/** An address as bytes: 4 for IPv4, 16 for IPv6. */
export type IpBytes = Uint8Array;

const V4_PART = /^(0|[1-9][0-9]{0,2})$/;
const V6_GROUP = /^[0-9a-fA-F]{1,4}$/;

/**
 * Parses an IPv4 address in strict dotted-decimal form (no leading zeros, as Python ≥ 3.9.5).
 * Returns null when the text is not one.
 *
 * @example
 * ```ts
 * parseIpv4('10.0.0.5'); // Uint8Array [10, 0, 0, 5]
 * ```
 */
export function parseIpv4(text: string): IpBytes | null {
  const parts = text.split('.');
  if (parts.length !== 4) return null;
  const out = new Uint8Array(4);
  for (let i = 0; i < 4; i++) {
    const p = parts[i]!;
    if (!V4_PART.test(p)) return null;
    const v = Number(p);
    if (v > 255) return null;
    out[i] = v;
  }
  return out;
}

/**
 * Parses an IPv6 address (`::` compression and a dotted IPv4 tail accepted; no zone index).
 * Returns null when the text is not one.
 *
 * @example
 * ```ts
 * parseIpv6('2001:db8::1')?.length; // 16
 * ```
 */
export function parseIpv6(text: string): IpBytes | null {
  if (text.length === 0 || text.includes('%')) return null;
  let tail4: IpBytes | null = null;
  let body = text;
  const lastColon = text.lastIndexOf(':');
  if (lastColon >= 0 && text.indexOf('.', lastColon) > lastColon) {
    tail4 = parseIpv4(text.slice(lastColon + 1));
    if (tail4 === null) return null;
    body = text.slice(0, lastColon + 1) + '0:0';
  }
  const dbl = body.indexOf('::');
  if (dbl >= 0 && body.indexOf('::', dbl + 1) >= 0) return null;
  const groups: number[] = [];
  const parseGroups = (s: string): number[] | null => {
    if (s === '') return [];
    const out: number[] = [];
    for (const g of s.split(':')) {
      if (!V6_GROUP.test(g)) return null;
      out.push(parseInt(g, 16));
    }
    return out;
  };
  if (dbl >= 0) {
    const head = parseGroups(body.slice(0, dbl));
    const rest = parseGroups(body.slice(dbl + 2));
    if (head === null || rest === null) return null;
    const zeros = 8 - head.length - rest.length;
    if (zeros < 1) return null;
    groups.push(...head, ...new Array<number>(zeros).fill(0), ...rest);
  } else {
    const all = parseGroups(body);
    if (all === null || all.length !== 8) return null;
    groups.push(...all);
  }
  const out = new Uint8Array(16);
  for (let i = 0; i < 8; i++) {
    out[2 * i] = groups[i]! >> 8;
    out[2 * i + 1] = groups[i]! & 0xff;
  }
  if (tail4 !== null) out.set(tail4, 12);
  return out;
}

/**
 * Parses an IPv4 or IPv6 address; null when it is neither.
 *
 * @example
 * ```ts
 * parseIp('::1')?.length; // 16
 * ```
 */
export function parseIp(text: string): IpBytes | null {
  return text.includes(':') ? parseIpv6(text) : parseIpv4(text);
}

/**
 * Formats 4 or 16 address bytes like Python's `ipaddress` (spec §1.2): dotted IPv4; IPv6 in
 * lower-case hex, leading zeros dropped, the first longest run of ≥ 2 zero groups as `::`.
 *
 * @example
 * ```ts
 * formatIp(new Uint8Array([32, 1, 13, 184, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1])); // '2001:db8::1'
 * ```
 */
export function formatIp(bytes: ArrayLike<number>): string {
  if (bytes.length === 4) return `${bytes[0]}.${bytes[1]}.${bytes[2]}.${bytes[3]}`;
  const g: number[] = [];
  for (let i = 0; i < 8; i++) g.push((bytes[2 * i]! << 8) | bytes[2 * i + 1]!);
  return pythonIpv6Text(g);
}
