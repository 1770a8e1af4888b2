import { isIP } from 'node:net';
import type { RunManifest } from '../run-manifest.js';
import { hidesIps, hidesMacs } from './address-columns.js';

/**
 * A libpcap filter's operands (group 1): what lies between blanks, parentheses and operators
 * (`&&`, `||`, `!`, comparisons, arithmetic, brackets; `-`, `:`, `.` and `/` stay inside: they are
 * part of MAC and IPv6 addresses, port ranges and networks), and the operators after which a value
 * is a byte offset or a number compared (group 2).
 */
const FILTER_TOKEN = /([^\s()!&|=<>[\]+*^%,]+)|([=<>[\]+*^%,])/g;
/** A MAC address as pcap-filter(7) takes it: six groups split by `:`, `-` or `.`, three dotted groups of four, or twelve hex digits. */
const MAC = /^(?:[0-9a-f]{1,2}[:.-]){5}[0-9a-f]{1,2}$|^[0-9a-f]{4}\.[0-9a-f]{4}\.[0-9a-f]{4}$/i;
const MAC_DIGITS = /^[0-9a-f]{12}$/i;
/** An IPv4 address or network in dotted form, one to four decimal parts (libpcap reads `034` as 34). */
const IPV4_DOTTED = /^\d{1,3}(?:\.\d{1,3}){0,3}$/;
/** A number as libpcap reads one: decimal, `0x` hex or `0` octal. */
const NUMBER = /^(?:0x[0-9a-f]+|\d+)$/i;
const PORT_RANGE = /^([^-]+)-([^-]+)$/;
/** A keyed hash as the anonymiser writes it (with a kept prefix length). */
const HASH = /^[0-9a-f]{128}(?:\/\d+)?$/;

/**
 * What a value is (`host 10.1.2.3`, `port 53`, `vlan 7`, `proto 17`), `other` after a keyword whose
 * value tells no address (`len` …), `expr` in an arithmetic expression (`ip[2:2] > 576`).
 */
type Operand = 'host' | 'net' | 'port' | 'vlan' | 'proto' | 'other' | 'expr';
/** `src`/`dst` alone qualify a host (`src example.com`), as a value without qualifier is one. */
const OPERAND_OF: Readonly<Record<string, Operand>> = {
  host: 'host',
  gateway: 'host',
  src: 'host',
  dst: 'host',
  net: 'net',
  mask: 'net',
  port: 'port',
  portrange: 'port',
  vlan: 'vlan',
  proto: 'proto',
  protochain: 'proto',
};
/** The words of pcap-filter(7) that name an IP protocol, and its number (what the `protocol` column holds). */
const PROTOCOL_NUMBERS: Readonly<Record<string, number>> = { icmp: 1, igmp: 2, tcp: 6, igrp: 9, udp: 17, esp: 50, ah: 51, icmp6: 58, pim: 103, vrrp: 112, sctp: 132 };
/** Words that qualify the operand to come without changing its kind (`tcp`, `and` …): `host a or b` keeps `host`. */
const MODIFIERS = new Set(['and', 'or', 'not', 'ether', 'ip', 'ip6', 'arp', 'rarp', 'tcp', 'udp', 'sctp', 'wlan', 'fddi', 'tr', 'addr1', 'addr2', 'addr3', 'addr4', 'ra', 'ta']);
/** The other words of the language: none of them is a value to hide. */
const KEYWORDS = new Set([
  ...Object.keys(OPERAND_OF),
  ...MODIFIERS,
  ...['proto', 'protochain', 'broadcast', 'multicast', 'less', 'greater', 'len', 'icmp', 'icmp6', 'igmp', 'igrp', 'pim', 'ah', 'esp', 'vrrp', 'atalk', 'aarp', 'decnet'],
  ...['ipx', 'iso', 'stp', 'netbeui', 'lat', 'moprc', 'mopdl', 'sca', 'clnp', 'esis', 'isis', 'l1', 'l2', 'iih', 'lsp', 'snp', 'csnp', 'psnp', 'mpls', 'pppoed', 'pppoes'],
  ...['geneve', 'vxlan', 'inbound', 'outbound', 'ifname', 'on', 'rnr', 'rulenum', 'reason', 'rset', 'ruleset', 'srnr', 'subrulenum', 'action', 'type', 'subtype', 'dir', 'llc', 'heartbeat'],
  ...['link', 'ppp', 'slip', 'radio', 'carp', 'atm', 'lane', 'metac', 'bcc', 'oam', 'oamf4', 'oamf4e', 'oamf4s', 'sc', 'ilmic', 'connectmsg', 'metaconnect', 'vpi', 'vci'],
  ...['sio', 'opc', 'dpc', 'sls', 'hsio', 'hopc', 'hdpc', 'hsls', 'fisu', 'lssu', 'msu', 'hfisu', 'hlssu', 'hmsu'],
]);

/** Which values of a filter an output hides, from the columns it hashes. */
interface Hidden {
  readonly ips: boolean;
  readonly macs: boolean;
  readonly ports: boolean;
  readonly vlans: boolean;
  readonly protocols: boolean;
}

function hiddenBy(anonymized: readonly string[]): Hidden {
  return {
    ips: hidesIps(anonymized),
    macs: hidesMacs(anonymized),
    ports: anonymized.includes('src_port') || anonymized.includes('dst_port'),
    vlans: anonymized.includes('vlan_id'),
    protocols: anonymized.includes('protocol'),
  };
}

/**
 * A BPF filter as an anonymised output carries it: with `src_ip`/`dst_ip` hashed, every IPv4 or
 * IPv6 address (any form libpcap reads: `192.168.1.034`, a host given as one number
 * `3232235810`/`0xc0a80122`, a dotted network `10.0/16`) and every host name (after `host`,
 * `net`, `src`, `dst`, or standing alone, which libpcap takes for a host) is replaced by the keyed hash the address columns hold for it (IPv4 dotted without leading
 * zeros, IPv6 compressed lower case); numbers of 2^16 or more anywhere (`ip[12:4] = 0xc0a80122`)
 * are taken as addresses too. MAC addresses likewise with `src_mac`/`dst_mac` hashed, ports and
 * port names after `port`/`portrange` with `src_port`/`dst_port`, VLAN ids after `vlan` with
 * `vlan_id`, and with `protocol` the IP protocols a filter names (`tcp`, `icmp6`, `proto 17`,
 * `proto \udp`) by the hash of their number, as the column holds it (a protocol read as a byte,
 * `ip[9] = 6`, stays). A network's prefix length is kept: it says how wide, not which.
 *
 * @example
 * ```ts
 * anonymizeFilter('host 192.168.1.34&&port 53', ['src_ip', 'dst_ip'], (text) => anonymizer.hash(text));
 * // '<hash of 192.168.1.34>&&port 53'
 * ```
 */
export function anonymizeFilter(filter: string, anonymized: readonly string[], hash: (text: string) => string): string {
  const hidden = hiddenBy(anonymized);
  if (!hidden.ips && !hidden.macs && !hidden.ports && !hidden.vlans && !hidden.protocols) return filter;
  // libpcap's default qualifier: a value standing alone is a host
  let operand: Operand = 'host';
  return filter.replace(FILTER_TOKEN, (token: string, operandText: string | undefined) => {
    if (operandText === undefined) {
      operand = 'expr';
      return token;
    }
    const word = token.toLowerCase();
    if (KEYWORDS.has(word)) {
      if (!MODIFIERS.has(word)) operand = OPERAND_OF[word] ?? 'other';
      // after a comparison, a value joined by and/or has no qualifier to inherit
      else if (operand === 'expr' && (word === 'and' || word === 'or')) operand = 'host';
      const protocol = PROTOCOL_NUMBERS[word];
      return hidden.protocols && protocol !== undefined ? hash(String(protocol)) : token;
    }
    return hideValue(token, operand, hidden, hash);
  });
}

function hideValue(token: string, operand: Operand, hidden: Hidden, hash: (text: string) => string): string {
  // hashed already (a manifest read back from an anonymised file): hashing again would lose the join
  if (HASH.test(token)) return token;
  // a network with its prefix length keeps the length
  const slash = token.indexOf('/');
  const value = slash < 0 ? token : token.slice(0, slash);
  const rest = slash < 0 ? '' : token.slice(slash);
  if (isIP(value) === 6) return hidden.ips ? hash(canonicalIpv6(value)) + rest : token;
  if (MAC.test(value) || MAC_DIGITS.test(value)) return hidden.macs ? hash(canonicalMac(value)) + rest : token;
  if (operand === 'port') {
    if (!hidden.ports) return token;
    const range = PORT_RANGE.exec(token);
    return range === null ? hash(portText(token)) : `${hash(portText(range[1]!))}-${hash(portText(range[2]!))}`;
  }
  if (operand === 'vlan') return hidden.vlans && NUMBER.test(token) ? hash(String(numberValue(token))) : token;
  if (operand === 'proto') {
    if (!hidden.protocols) return token;
    // `\tcp`: a protocol name escaped from its keyword
    const name = token.startsWith('\\') ? token.slice(1).toLowerCase() : token.toLowerCase();
    const number = NUMBER.test(name) ? numberValue(name) : PROTOCOL_NUMBERS[name];
    return hash(number === undefined ? name : String(number));
  }
  if (!hidden.ips) return token;
  if (IPV4_DOTTED.test(value) && value.includes('.')) return hash(canonicalIpv4(value)) + rest;
  if (NUMBER.test(value)) {
    const n = numberValue(value);
    // a host given as one number is the address with that value; a port, length or offset is below 2^16
    if (operand === 'host' || (n >= 0x10000 && n <= 0xffffffff)) return hash(dottedQuad(n)) + rest;
    return operand === 'net' ? hash(value) + rest : token;
  }
  // a host or network by name: the name tells the address
  return (operand === 'host' || operand === 'net') && /^[a-z][\w.-]*$/i.test(token) ? hash(token) : token;
}

/**
 * The manifest as an anonymised output carries it: its BPF filter as {@link anonymizeFilter}
 * rewrites it. The rest of the manifest names no address.
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
  const hidden = anonymizeFilter(filter, anonymized, hash);
  return hidden === filter ? manifest : { ...manifest, parameters: { ...manifest.parameters, bpfFilter: hidden } };
}

/**
 * `text` (an error message of the run) with the run's BPF filter, quoted in it as given, replaced
 * by the filter as the manifest of an anonymised output has it.
 */
export function anonymizeFilterIn(text: string, manifest: RunManifest, anonymized: readonly string[], hash: (text: string) => string): string {
  const filter = manifest.parameters.bpfFilter;
  if (typeof filter !== 'string' || filter === '' || !text.includes(filter)) return text;
  return text.split(filter).join(anonymizeFilter(filter, anonymized, hash));
}

function numberValue(text: string): number {
  const t = text.toLowerCase();
  if (t.startsWith('0x')) return Number.parseInt(t.slice(2), 16);
  return t.length > 1 && t.startsWith('0') && /^[0-7]+$/.test(t) ? Number.parseInt(t, 8) : Number(t);
}

function portText(text: string): string {
  return NUMBER.test(text) ? String(numberValue(text)) : text;
}

function dottedQuad(n: number): string {
  return [n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff].join('.');
}

/** A dotted IPv4 as the address columns hold it (no leading zeros); a shorter network as written. */
function canonicalIpv4(address: string): string {
  const parts = address.split('.');
  return parts.length === 4 ? parts.map((p) => String(Number(p))).join('.') : address;
}

/** IPv6 in the compressed lower-case form the address columns hold. */
function canonicalIpv6(address: string): string {
  return new URL(`http://[${address}]/`).hostname.slice(1, -1);
}

/** A MAC address as the MAC columns hold it: six lower-case two-digit groups split by `:`. */
function canonicalMac(address: string): string {
  const hex = address.toLowerCase();
  const groups = /^[0-9a-f]{4}\.[0-9a-f]{4}\.[0-9a-f]{4}$|^[0-9a-f]{12}$/.test(hex) ? hex.replace(/\./g, '').match(/../g)! : hex.split(/[:.-]/).map((g) => g.padStart(2, '0'));
  return groups.join(':');
}
