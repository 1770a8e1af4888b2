/**
 * The information elements flowstream exports: IANA's standard elements for the flow key, times
 * and counters, RFC 5103 reverse elements for the dst2src direction, and one enterprise-specific
 * element per remaining NFStream column. The encoder, the templates and the published element
 * files (`docs/ipfix/`) all read this one table.
 */

/** IPFIX abstract data types used here (RFC 7011 §6.1). */
export type IeType =
  | 'unsigned8'
  | 'unsigned16'
  | 'unsigned64'
  | 'signed64'
  | 'float64'
  | 'boolean'
  | 'macAddress'
  | 'octetArray'
  | 'string'
  | 'dateTimeMilliseconds'
  | 'ipv4Address'
  | 'ipv6Address';

/** Encoded length of each type; 0xffff = variable length (RFC 7011 §7). */
export const IE_LENGTH: Readonly<Record<IeType, number>> = {
  unsigned8: 1,
  unsigned16: 2,
  unsigned64: 8,
  signed64: 8,
  float64: 8,
  boolean: 1,
  macAddress: 6,
  octetArray: 0xffff,
  string: 0xffff,
  dateTimeMilliseconds: 8,
  ipv4Address: 4,
  ipv6Address: 16,
};

/**
 * Reverse information elements of RFC 5103 §6.1: IANA's element ids under this PEN.
 *
 * @example reverseOf(IANA.octetDeltaCount).pen === REVERSE_PEN
 */
export const REVERSE_PEN = 29305;

/**
 * Default private enterprise number of flowstream's own elements: 32473, the number RFC 5612
 * reserves for documentation. flowstream has no PEN of its own; an operator who registers one sets
 * it with the `ipfixPen` option (`--ipfix-pen`) and loads the element file generated for it.
 *
 * @example streamer.export('ipfix', 'udp://127.0.0.1:4739', { ipfixPen: DEFAULT_FLOWSTREAM_PEN })
 */
export const DEFAULT_FLOWSTREAM_PEN = 32473;

/** One information element: `pen` 0 for IANA's registry. */
export interface InformationElement {
  readonly name: string;
  readonly id: number;
  readonly pen: number;
  readonly type: IeType;
  readonly description: string;
}

const iana = (name: string, id: number, type: IeType, description: string): InformationElement => ({ name, id, pen: 0, type, description });

/** IANA elements flowstream writes (ids from IANA's IPFIX registry). */
export const IANA = {
  octetDeltaCount: iana('octetDeltaCount', 1, 'unsigned64', ''),
  packetDeltaCount: iana('packetDeltaCount', 2, 'unsigned64', ''),
  protocolIdentifier: iana('protocolIdentifier', 4, 'unsigned8', ''),
  sourceTransportPort: iana('sourceTransportPort', 7, 'unsigned16', ''),
  sourceIPv4Address: iana('sourceIPv4Address', 8, 'ipv4Address', ''),
  destinationTransportPort: iana('destinationTransportPort', 11, 'unsigned16', ''),
  destinationIPv4Address: iana('destinationIPv4Address', 12, 'ipv4Address', ''),
  sourceIPv6Address: iana('sourceIPv6Address', 27, 'ipv6Address', ''),
  destinationIPv6Address: iana('destinationIPv6Address', 28, 'ipv6Address', ''),
  sourceMacAddress: iana('sourceMacAddress', 56, 'macAddress', ''),
  vlanId: iana('vlanId', 58, 'unsigned16', ''),
  ipVersion: iana('ipVersion', 60, 'unsigned8', ''),
  destinationMacAddress: iana('destinationMacAddress', 80, 'macAddress', ''),
  flowEndReason: iana('flowEndReason', 136, 'unsigned8', ''),
  flowId: iana('flowId', 148, 'unsigned64', ''),
  flowStartMilliseconds: iana('flowStartMilliseconds', 152, 'dateTimeMilliseconds', ''),
  flowEndMilliseconds: iana('flowEndMilliseconds', 153, 'dateTimeMilliseconds', ''),
  biflowDirection: iana('biflowDirection', 239, 'unsigned8', ''),
} as const;

/**
 * The RFC 5103 reverse counterpart of an IANA element.
 *
 * @example reverseOf(IANA.packetDeltaCount).name === 'reversePacketDeltaCount'
 */
export function reverseOf(ie: InformationElement): InformationElement {
  return { name: `reverse${ie.name[0]!.toUpperCase()}${ie.name.slice(1)}`, id: ie.id, pen: REVERSE_PEN, type: ie.type, description: `${ie.name} of the dst2src direction (RFC 5103)` };
}

/**
 * The flowEndReason of NFStream's `expiration_id`: 0 idle → 0x01 idle timeout, 1 active → 0x02 active timeout, −1 (a plugin ended the flow,
 * e.g. on FIN/RST) → 0x03 end of flow detected (not 0x04 forced end: that one means the
 * exporter shut down, which NFStream reports as idle expiry at the end of input).
 *
 * @example flowEndReason(-1) === 3
 */
export function flowEndReason(expirationId: number): number {
  return expirationId === 0 ? 1 : expirationId === 1 ? 2 : 3;
}

/**
 * NFStream columns with a fixed enterprise element id (the id is the position + 1). Append only:
 * ids of published names never change.
 */
export const ENTERPRISE_COLUMNS: readonly string[] = [
  'id', 'expiration_id', 'src_ip', 'src_mac', 'src_oui', 'src_port', 'dst_ip', 'dst_mac', 'dst_oui', 'dst_port',
  'protocol', 'ip_version', 'vlan_id', 'tunnel_id',
  ...['bidirectional', 'src2dst', 'dst2src'].flatMap((d) => ['first_seen_ms', 'last_seen_ms', 'duration_ms', 'packets', 'bytes'].map((c) => `${d}_${c}`)),
  ...['ps', 'piat_ms'].flatMap((m) => ['bidirectional', 'src2dst', 'dst2src'].flatMap((d) => ['min', 'mean', 'stddev', 'max'].map((s) => `${d}_${s}_${m}`))),
  ...['bidirectional', 'src2dst', 'dst2src'].flatMap((d) => ['syn', 'cwr', 'ece', 'urg', 'ack', 'psh', 'rst', 'fin'].map((f) => `${d}_${f}_packets`)),
  'splt_direction', 'splt_ps', 'splt_piat_ms',
  'application_name', 'application_category_name', 'application_is_guessed', 'application_confidence',
  'requested_server_name', 'client_fingerprint', 'server_fingerprint', 'user_agent', 'content_type',
  'system_process_pid', 'system_process_name',
  // built-in plugins (packages/plugins)
  'udps.splt_direction', 'udps.splt_ps', 'udps.splt_piat_ms',
  'udps.dhcp_12', 'udps.dhcp_50', 'udps.dhcp_55', 'udps.dhcp_57', 'udps.dhcp_60', 'udps.dhcp_77', 'udps.dhcp_options',
  'udps.dhcp_addr', 'udps.dhcp_msg_type', 'udps.dhcp_oui', 'udps.ja4', 'udps.ja4s', 'udps.mdns_ptr', 'udps.covertmark_windows',
];

/** First id of the range where other plugin fields get ids hashed from their names. */
export const HASHED_ID_BASE = 0x4000;

const fixedIds = new Map(ENTERPRISE_COLUMNS.map((name, i) => [name, i + 1]));

/**
 * The enterprise element id of column `name`: its fixed id, or for another plugin field a stable
 * id in 16384…32767 hashed from the name (FNV-1a), the next free one on a collision within `taken`.
 *
 * @example enterpriseId('src2dst_bytes') === 24
 */
export function enterpriseId(name: string, taken?: ReadonlySet<number>): number {
  const fixed = fixedIds.get(name);
  if (fixed !== undefined) return fixed;
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193);
  let id = HASHED_ID_BASE + ((h >>> 0) % HASHED_ID_BASE);
  while (taken?.has(id) === true) id = id === 0x7fff ? HASHED_ID_BASE : id + 1;
  return id;
}

/**
 * IPFIX element name of a column.
 *
 * @example enterpriseName('udps.ja4') === 'flowstreamUdpsJa4'
 */
export function enterpriseName(column: string): string {
  return 'flowstream' + column.split(/[._]/).map((p) => p[0]!.toUpperCase() + p.slice(1)).join('');
}
