import { cellValue, uint64Text, type FlowColumn, type StringColumn } from './flow-batch.js';
import type { FieldSpec } from './field-spec.js';

/**
 * The fields that identify one flow of a run, in the order {@link flowKey} joins them. Two flows
 * with the same endpoints are told apart by their first packet's time.
 *
 * @example
 * ```ts
 * import { FLOW_KEY_FIELDS } from '@flowstream/core';
 *
 * console.log(FLOW_KEY_FIELDS.join('|')); // src_ip|src_port|dst_ip|dst_port|protocol|vlan_id|tunnel_id|bidirectional_first_seen_ms
 * ```
 */
export const FLOW_KEY_FIELDS = [
  'src_ip',
  'src_port',
  'dst_ip',
  'dst_port',
  'protocol',
  'vlan_id',
  'tunnel_id',
  'bidirectional_first_seen_ms',
] as const;

/**
 * A record with the identifying fields (an NFlow, a snapshot row, a parsed CSV row).
 *
 * @example
 * ```ts
 * import { flowKey, type FlowKeyFields } from '@flowstream/core';
 *
 * const row: FlowKeyFields = { src_ip: '10.0.0.1', src_port: '5353', dst_ip: '224.0.0.251', dst_port: '5353', protocol: '17', vlan_id: '0', bidirectional_first_seen_ms: '1600000000000' };
 * console.log(flowKey(row));
 * ```
 */
export type FlowKeyFields = { readonly [K in (typeof FLOW_KEY_FIELDS)[number]]?: string | number | bigint | null };

const encoder = new TextEncoder();

/**
 * The key that joins a flow's snapshot rows with its final record: FNV-1a 64 of the UTF-8 text
 * of the {@link FLOW_KEY_FIELDS} values as written in CSV, joined by `|` (a missing `tunnel_id` is
 * `0`), as 16 lowercase hex digits. Computed from the values as output, so anonymised addresses
 * give the key of the anonymised record. A time past 2^53 ms (a wrapped timestamp) must be given
 * as its exact text or a bigint.
 *
 * @example
 * ```ts
 * import { NFStreamer, flowKey } from '@flowstream/streamer';
 * import type { NFlow } from '@flowstream/core';
 *
 * const streamer = new NFStreamer({ source: 'capture.pcap', snapshotInterval: 10 });
 * const finals = new Map<string, NFlow>();
 * for await (const flow of streamer) finals.set(flowKey(flow), flow);
 * for await (const s of streamer.snapshots()) console.log(s.snapshot_time_ms, finals.get(s.flow_key)?.bidirectional_bytes);
 * ```
 */
export function flowKey(record: FlowKeyFields): string {
  let text = '';
  for (let i = 0; i < FLOW_KEY_FIELDS.length; i++) {
    const v = record[FLOW_KEY_FIELDS[i]!];
    if (i > 0) text += '|';
    text += v === undefined || v === null ? (i === 6 ? '0' : '') : String(v);
  }
  return fnv1a64(text);
}

/** FNV-1a 64-bit of a text's UTF-8 bytes, 16 hex digits (four 16-bit limbs: exact in doubles). */
export function fnv1a64(text: string): string {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 0x7f) return fnvBytes(encoder.encode(text), text.length);
  return fnvBytes(null, text.length, text);
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** FNV-1a 64 of `bytes`, or of the ASCII `text` when `bytes` is null (no encoding needed). */
function fnvBytes(bytes: Uint8Array | null, n: number, text = ''): string {
  // offset basis 0xcbf29ce484222325
  let h0 = 0x2325;
  let h1 = 0x8422;
  let h2 = 0x9ce4;
  let h3 = 0xcbf2;
  if (bytes !== null) n = bytes.length;
  for (let i = 0; i < n; i++) {
    h0 ^= bytes === null ? text.charCodeAt(i) : bytes[i]!;
    // × prime 0x100000001b3 = 2^40 + 0x1b3: limb products stay below 2^53
    const t0 = h0 * 0x1b3;
    const t1 = h1 * 0x1b3;
    const t2 = h2 * 0x1b3 + (h0 << 8);
    const t3 = h3 * 0x1b3 + (h1 << 8);
    const c1 = t1 + (t0 >>> 16);
    const c2 = t2 + Math.floor(c1 / 0x10000);
    const c3 = t3 + Math.floor(c2 / 0x10000);
    h0 = t0 & 0xffff;
    h1 = c1 & 0xffff;
    h2 = c2 % 0x10000;
    h3 = c3 % 0x10000;
  }
  return HEX[h3 >>> 8]! + HEX[h3 & 0xff]! + HEX[h2 >>> 8]! + HEX[h2 & 0xff]! + HEX[h1 >>> 8]! + HEX[h1 & 0xff]! + HEX[h0 >>> 8]! + HEX[h0 & 0xff]!;
}

/**
 * The `flow_key` column of a batch, computed from its own columns when first read (exporters
 * that drop the column never pay for it).
 */
export class FlowKeyTexts implements StringColumn {
  readonly kind = 'string' as const;
  private texts: string[] | null = null;
  constructor(
    private readonly fields: readonly FieldSpec[],
    private readonly columns: readonly FlowColumn[],
    private readonly n: number,
  ) {}

  get values(): readonly string[] {
    if (this.texts !== null) return this.texts;
    // one text getter per identifying column, read straight from its storage
    const cells = FLOW_KEY_FIELDS.map((name, k) => {
      const j = this.fields.findIndex((f) => f.name === name);
      if (j < 0) return k === 6 ? () => '0' : () => '';
      const c = this.columns[j]!;
      if (c.kind === 'number') {
        const v = c.values;
        // time columns hold the signed reading of NFStream's uint64: written as CSV does
        return this.fields[j]!.type === 'uint64' ? (i: number) => uint64Text(v[i]!) : (i: number) => String(v[i]!);
      }
      return (i: number) => {
        const x = cellValue(c, i);
        return x === null || x === undefined ? '' : String(x);
      };
    });
    const [a, b, c, d, e, f, g, h] = cells as [(i: number) => string, (i: number) => string, (i: number) => string, (i: number) => string, (i: number) => string, (i: number) => string, (i: number) => string, (i: number) => string];
    const out = new Array<string>(this.n);
    for (let i = 0; i < this.n; i++) out[i] = fnv1a64(`${a(i)}|${b(i)}|${c(i)}|${d(i)}|${e(i)}|${f(i)}|${g(i)}|${h(i)}`);
    this.texts = out;
    return out;
  }
}
