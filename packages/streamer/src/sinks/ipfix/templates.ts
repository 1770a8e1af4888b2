import type { FieldSpec } from '@flowstream/core';
import { IANA, IE_LENGTH, enterpriseId, enterpriseName, reverseOf, type IeType, type InformationElement } from './information-elements.js';

/** How flows travel: one RFC 5103 biflow record, or two one-way records. */
export type IpfixMode = 'biflow' | 'uniflow';

/** How a template field takes its value from a batch column. */
export type Encoding =
  | 'u8'
  | 'u16'
  | 'u64'
  | 'i64'
  | 'f64'
  | 'bool'
  | 'ms'
  | 'ipv4'
  | 'ipv6'
  | 'mac'
  | 'text'
  | 'number'
  | 'endReason'
  | 'const';

/** One field of a template: the element, its encoded length, and where its value comes from. */
export interface TemplateField {
  readonly ie: InformationElement;
  /** Encoded length, 0xffff for variable length. */
  readonly length: number;
  /** Column name (empty for constants). */
  readonly column: string;
  readonly encoding: Encoding;
  /** Value of `const` fields. */
  readonly constant: number;
}

/** What a template's records carry. */
export type RecordKind = 'biflow' | 'forward' | 'reverse';

/** A data template (RFC 7011 §3.4.1). */
export interface Template {
  readonly id: number;
  /** 4 or 6; 0 when the columns hold no addresses. */
  readonly family: 0 | 4 | 6;
  readonly kind: RecordKind;
  readonly fields: readonly TemplateField[];
}

/** A column → standard element rule; `v6` replaces `ie` for IPv6 templates. */
interface Rule {
  readonly column: string;
  readonly ie: InformationElement;
  readonly v6?: InformationElement;
  readonly encoding: Encoding;
}

const r = (column: string, ie: InformationElement, encoding: Encoding, v6?: InformationElement): Rule => ({ column, ie, encoding, v6 });

/** The flow key and labels, as the originator (src) sees them. */
const KEY: readonly Rule[] = [
  r('id', IANA.flowId, 'u64'),
  r('src_ip', IANA.sourceIPv4Address, 'ipv4', IANA.sourceIPv6Address),
  r('dst_ip', IANA.destinationIPv4Address, 'ipv4', IANA.destinationIPv6Address),
  r('src_port', IANA.sourceTransportPort, 'u16'),
  r('dst_port', IANA.destinationTransportPort, 'u16'),
  r('protocol', IANA.protocolIdentifier, 'u8'),
  r('ip_version', IANA.ipVersion, 'u8'),
  r('vlan_id', IANA.vlanId, 'u16'),
  r('src_mac', IANA.sourceMacAddress, 'mac'),
  r('dst_mac', IANA.destinationMacAddress, 'mac'),
  r('expiration_id', IANA.flowEndReason, 'endReason'),
];

/** The key seen from the responder: what a one-way dst2src record carries. */
const SWAPPED_KEY: readonly Rule[] = KEY.map((k) => {
  const other = k.column.startsWith('src_') ? 'dst_' + k.column.slice(4) : k.column.startsWith('dst_') ? 'src_' + k.column.slice(4) : k.column;
  return { ...k, column: other };
});

/**
 * Biflow (RFC 5103): forward counters in the usual elements, dst2src counters in the reverse
 * elements (nfdump stores them as out packets/bytes). dst2src times go as enterprise elements:
 * nfdump 1.7 would read reverse flowStart/EndMilliseconds as the forward ones.
 */
const BIFLOW: readonly Rule[] = [
  ...KEY,
  r('bidirectional_first_seen_ms', IANA.flowStartMilliseconds, 'ms'),
  r('bidirectional_last_seen_ms', IANA.flowEndMilliseconds, 'ms'),
  r('src2dst_bytes', IANA.octetDeltaCount, 'u64'),
  r('src2dst_packets', IANA.packetDeltaCount, 'u64'),
  r('dst2src_bytes', reverseOf(IANA.octetDeltaCount), 'u64'),
  r('dst2src_packets', reverseOf(IANA.packetDeltaCount), 'u64'),
];

const FORWARD: readonly Rule[] = [
  ...KEY,
  r('src2dst_first_seen_ms', IANA.flowStartMilliseconds, 'ms'),
  r('src2dst_last_seen_ms', IANA.flowEndMilliseconds, 'ms'),
  r('src2dst_bytes', IANA.octetDeltaCount, 'u64'),
  r('src2dst_packets', IANA.packetDeltaCount, 'u64'),
];

const REVERSE: readonly Rule[] = [
  ...SWAPPED_KEY,
  r('dst2src_first_seen_ms', IANA.flowStartMilliseconds, 'ms'),
  r('dst2src_last_seen_ms', IANA.flowEndMilliseconds, 'ms'),
  r('dst2src_bytes', IANA.octetDeltaCount, 'u64'),
  r('dst2src_packets', IANA.packetDeltaCount, 'u64'),
];

/** Columns that travel in IANA elements in both modes (pmacct's file leaves their enterprise twins out). */
export const STANDARD_COLUMNS: ReadonlySet<string> = new Set([...KEY.map((k) => k.column), 'src2dst_packets', 'src2dst_bytes', 'dst2src_packets', 'dst2src_bytes']);

/**
 * How a column without a standard element travels as an enterprise element: core numbers as
 * signed64/float64, times as dateTimeMilliseconds/unsigned64, plugin numbers as float64 (NaN =
 * None), texts, lists and anything else as strings (lists in NFStream's CSV form `[1, 2]`).
 */
export function enterpriseEncoding(field: FieldSpec): { encoding: Encoding; type: IeType } {
  const plugin = field.name.startsWith('udps.');
  switch (field.type) {
    case 'uint64':
      return { encoding: 'ms', type: /_(first|last)_seen_ms$/.test(field.name) ? 'dateTimeMilliseconds' : 'unsigned64' };
    case 'int':
      return plugin ? { encoding: 'number', type: 'float64' } : { encoding: 'i64', type: 'signed64' };
    case 'float':
      return plugin ? { encoding: 'number', type: 'float64' } : { encoding: 'f64', type: 'float64' };
    case 'bool':
      return plugin ? { encoding: 'number', type: 'float64' } : { encoding: 'bool', type: 'boolean' };
    default:
      return { encoding: 'text', type: 'string' };
  }
}

/** What {@link buildTemplates} needs. */
export interface TemplateOptions {
  readonly mode: IpfixMode;
  /** PEN of flowstream's enterprise elements. */
  readonly pen: number;
  /** Id of the first template (256 or more; later sets continue after the last one). */
  readonly firstId: number;
  /** Columns that hold keyed hashes instead of their values. */
  readonly anonymized: ReadonlySet<string>;
}

/** The enterprise element of a column under `pen`. */
export function enterpriseElement(field: FieldSpec, pen: number, taken?: ReadonlySet<number>): InformationElement {
  return { name: enterpriseName(field.name), id: enterpriseId(field.name, taken), pen, type: enterpriseEncoding(field).type, description: field.name };
}

/**
 * The enterprise element of an anonymised column: a string element of its own (`id` →
 * `flowstreamIdAnonymized`, an id hashed from that name), never the column's registered element,
 * whose type is the plain value's (a collector that knows `flowstreamId` as signed64 would
 * misread a hash sent under it).
 *
 * @example anonymisedElement({ name: 'id', type: 'string', nullable: false }, 32473).name === 'flowstreamIdAnonymized'
 */
export function anonymisedElement(field: FieldSpec, pen: number, taken?: ReadonlySet<number>): InformationElement {
  const name = `${field.name}_anonymized`;
  return { name: enterpriseName(name), id: enterpriseId(name, taken), pen, type: 'string', description: `${field.name} (anonymised)` };
}

function standardFields(rules: readonly Rule[], present: ReadonlyMap<string, FieldSpec>, family: 0 | 4 | 6, o: TemplateOptions, used: Set<string>): TemplateField[] {
  const out: TemplateField[] = [];
  for (const rule of rules) {
    const f = present.get(rule.column);
    // a hashed column is a string now: it travels as an enterprise string element instead
    if (f === undefined || o.anonymized.has(rule.column)) continue;
    if ((rule.encoding === 'ipv4' || rule.encoding === 'ipv6') && family === 0) continue;
    const ie = family === 6 && rule.v6 !== undefined ? rule.v6 : rule.ie;
    const encoding: Encoding = rule.encoding === 'ipv4' && family === 6 ? 'ipv6' : rule.encoding;
    out.push({ ie, length: IE_LENGTH[ie.type], column: rule.column, encoding, constant: 0 });
    used.add(rule.column);
  }
  return out;
}

function constant(ie: InformationElement, value: number): TemplateField {
  return { ie, length: IE_LENGTH[ie.type], column: '', encoding: 'const', constant: value };
}

/**
 * The data templates of a run's columns: per address family (when the columns hold addresses),
 * a biflow template, or a forward and a reverse one-way template in uniflow mode. Columns without
 * a standard element follow as enterprise elements under `pen` (the reverse one-way template
 * carries the key and counters only; `flowId` joins it to its forward record).
 *
 * @example buildTemplates(batch.fields, { mode: 'biflow', pen: 32473, firstId: 256, anonymized: new Set() })
 */
export function buildTemplates(fields: readonly FieldSpec[], o: TemplateOptions): Template[] {
  const present = new Map(fields.map((f) => [f.name, f]));
  const families: (0 | 4 | 6)[] = present.has('src_ip') || present.has('dst_ip') ? [4, 6] : [0];
  const out: Template[] = [];
  let id = o.firstId;
  for (const family of families) {
    const used = new Set<string>();
    const main = standardFields(o.mode === 'biflow' ? BIFLOW : FORWARD, present, family, o, used);
    if (o.mode === 'uniflow') main.push(constant(IANA.biflowDirection, 1));
    const taken = new Set<number>();
    for (const f of fields) {
      if (used.has(f.name)) continue;
      const hashed = o.anonymized.has(f.name);
      const ie = hashed ? anonymisedElement(f, o.pen, taken) : enterpriseElement(f, o.pen, taken);
      taken.add(ie.id);
      main.push({ ie, length: IE_LENGTH[ie.type], column: f.name, encoding: hashed ? 'text' : enterpriseEncoding(f).encoding, constant: 0 });
    }
    out.push({ id: id++, family, kind: o.mode === 'biflow' ? 'biflow' : 'forward', fields: main });
    if (o.mode === 'uniflow') {
      const rev = standardFields(REVERSE, present, family, o, new Set());
      // the flow id joins a reverse record to its forward one: anonymised, its hash goes in both
      const join = main.find((f) => f.column === 'id' && o.anonymized.has('id'));
      if (join !== undefined) rev.unshift(join);
      rev.push(constant(IANA.biflowDirection, 2));
      out.push({ id: id++, family, kind: 'reverse', fields: rev });
    }
  }
  return out;
}

/**
 * The template record bytes (RFC 7011 §3.4.1): id, field count, then per field the element id
 * (enterprise bit set when there is a PEN), its length and the PEN.
 */
export function templateRecordLength(t: Template): number {
  let n = 4;
  for (const f of t.fields) n += f.ie.pen === 0 ? 4 : 8;
  return n;
}

/** Writes the template record of `t` at `offset`; returns the offset after it. */
export function writeTemplateRecord(t: Template, buf: Buffer, offset: number): number {
  let o = buf.writeUInt16BE(t.id, offset);
  o = buf.writeUInt16BE(t.fields.length, o);
  for (const f of t.fields) {
    o = buf.writeUInt16BE(f.ie.pen === 0 ? f.ie.id : 0x8000 | f.ie.id, o);
    o = buf.writeUInt16BE(f.length, o);
    if (f.ie.pen !== 0) o = buf.writeUInt32BE(f.ie.pen, o);
  }
  return o;
}
