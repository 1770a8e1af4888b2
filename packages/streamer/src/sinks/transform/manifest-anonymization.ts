import { isIP } from 'node:net';
import type { RunManifest } from '../run-manifest.js';
import { IP_COLUMNS, MAC_COLUMNS } from './address-columns.js';
/** Separators of a libpcap filter expression around its address operands. */
const FILTER_TOKEN = /[^\s()!]+/g;
/** A MAC address as pcap-filter(7) takes it: six groups split by `:`, `-` or `.`, or three dotted groups of four. */
const MAC = /^(?:[0-9a-f]{1,2}[:.-]){5}[0-9a-f]{1,2}$|^[0-9a-f]{4}\.[0-9a-f]{4}\.[0-9a-f]{4}$/i;
/** A dotted IPv4 network of two or three parts (`net 192.168`); a lone number may be a port. */
const IPV4_NET = /^\d{1,3}(?:\.\d{1,3}){1,2}$/;

/**
 * The manifest as an anonymised output carries it: with `src_ip`/`dst_ip` hashed, every IP address
 * or dotted network in the BPF filter (`host 192.168.1.34`, `net 10.0/16`) is replaced by the same
 * keyed hash the address columns get (IPv6 in its canonical text, as the columns hold it), so the
 * filter no longer names an address; MAC addresses likewise when `src_mac`/`dst_mac` are hashed.
 * The rest of the manifest names no address.
 *
 * @example
 * ```ts
 * anonymizeManifest(manifest, ['src_ip', 'dst_ip'], (text) => anonymizer.hash(text)).parameters.bpfFilter;
 * // 'host 5e1c…(128 hex digits) and port 53'
 * ```
 */
export function anonymizeManifest(manifest: RunManifest, anonymized: readonly string[], hash: (text: string) => string): RunManifest {
  const filter = manifest.parameters.bpfFilter;
  if (typeof filter !== 'string') return manifest;
  const ips = anonymized.some((c) => IP_COLUMNS.includes(c));
  const macs = anonymized.some((c) => MAC_COLUMNS.includes(c));
  if (!ips && !macs) return manifest;
  const hidden = filter.replace(FILTER_TOKEN, (token) => {
    // a network with its prefix length keeps the length: it says how wide, not which
    const slash = token.indexOf('/');
    const address = slash < 0 ? token : token.slice(0, slash);
    const rest = slash < 0 ? '' : token.slice(slash);
    if (ips && (isIP(address) !== 0 || IPV4_NET.test(address))) return hash(canonicalIp(address)) + rest;
    if (macs && MAC.test(address)) return hash(canonicalMac(address)) + rest;
    return token;
  });
  return hidden === filter ? manifest : { ...manifest, parameters: { ...manifest.parameters, bpfFilter: hidden } };
}

/** IPv6 in the compressed lower-case form the address columns hold; IPv4 and networks as written. */
function canonicalIp(address: string): string {
  return isIP(address) === 6 ? new URL(`http://[${address}]/`).hostname.slice(1, -1) : address;
}

/** A MAC address as the MAC columns hold it: six lower-case two-digit groups split by `:`. */
function canonicalMac(address: string): string {
  const hex = address.toLowerCase();
  const groups = /^[0-9a-f]{4}\.[0-9a-f]{4}\.[0-9a-f]{4}$/.test(hex) ? hex.replace(/\./g, '').match(/../g)! : hex.split(/[:.-]/).map((g) => g.padStart(2, '0'));
  return groups.join(':');
}
