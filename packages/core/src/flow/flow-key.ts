import { writeIpText } from '../decode/address-text-bytes.js';
import { HEX2, writeHexPair } from '../decode/hex-digits.js';
import { writeDigits } from '../decode/decimal-text-bytes.js';
import { cellValue, uint64Text, type FlowBatch, type FlowColumn, type StringColumn } from './flow-batch.js';
import { AddressTexts } from './flow-batch-writer.js';
import { flowKeyMemo, MEMO_VALUES, type FlowKeyMemo } from './flow-key-memo.js';
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
const PIPE = 0x7c;
const ZERO = 0x30;
/** Room for the longest key text of plain fields (two IPv6 texts, numbers); longer ones (hashed addresses) take the slow path. */
const KEY_TEXT_MAX = 512;

/** Writes an ASCII text at `pos`; −1 when it is not ASCII or does not fit. */
function writeAscii(buf: Uint8Array, pos: number, text: string): number {
  if (pos + text.length > buf.length) return -1;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c > 0x7f) return -1;
    buf[pos++] = c;
  }
  return pos;
}

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

/** FNV-1a 64-bit of a text's UTF-8 bytes, 16 hex digits. */
export function fnv1a64(text: string): string {
  const bytes = encoder.encode(text);
  return fnvOfBytes(bytes, bytes.length);
}

/** FNV-1a 64 of the first `n` bytes of `bytes`, 16 hex digits. */
function fnvOfBytes(bytes: Uint8Array, n: number): string {
  const h = fnvLimbs(bytes, n);
  return HEX2[h[3]! >>> 8]! + HEX2[h[3]! & 0xff]! + HEX2[h[2]! >>> 8]! + HEX2[h[2]! & 0xff]! + HEX2[h[1]! >>> 8]! + HEX2[h[1]! & 0xff]! + HEX2[h[0]! >>> 8]! + HEX2[h[0]! & 0xff]!;
}

/** A key's 16 hex digits as bytes (reused buffer). */
function hexBytes(key: string): Uint8Array {
  for (let k = 0; k < 16; k++) keyBytes[k] = key.charCodeAt(k);
  return keyBytes;
}
const keyBytes = new Uint8Array(16);

/** The last hash of {@link fnvLimbs}: four 16-bit limbs, low first (reused: no allocation per key). */
const limbs = new Uint32Array(4);

/** FNV-1a 64 of the first `n` bytes of `bytes`, as four 16-bit limbs (low first) in {@link limbs}. */
function fnvLimbs(bytes: Uint8Array, n: number): Uint32Array {
  // offset basis 0xcbf29ce484222325
  let h0 = 0x2325;
  let h1 = 0x8422;
  let h2 = 0x9ce4;
  let h3 = 0xcbf2;
  for (let i = 0; i < n; i++) {
    h0 ^= bytes[i]!;
    // × prime 2^40 + 0x1b3: each limb × 0x1b3, plus the limb two below shifted by 8 (the 2^40
    // part); every sum stays below 2^31, so the carries are shifts of small integers
    const t0 = h0 * 0x1b3;
    const t1 = h1 * 0x1b3;
    const t2 = h2 * 0x1b3 + (h0 << 8);
    const t3 = h3 * 0x1b3 + (h1 << 8);
    const c1 = t1 + (t0 >>> 16);
    const c2 = t2 + (c1 >>> 16);
    const c3 = t3 + (c2 >>> 16);
    h0 = t0 & 0xffff;
    h1 = c1 & 0xffff;
    h2 = c2 & 0xffff;
    h3 = c3 & 0xffff;
  }
  limbs[0] = h0;
  limbs[1] = h1;
  limbs[2] = h2;
  limbs[3] = h3;
  return limbs;
}

/** Writes a 16-bit limb as 4 hex digits at `pos`. */
function writeLimb(buf: Uint8Array, pos: number, limb: number): void {
  writeHexPair(buf, writeHexPair(buf, pos, limb >>> 8), limb & 0xff);
}

/** How {@link FlowKeyTexts} writes one key field. */
const KeyCell = {
  /** Not in the batch: nothing (`tunnel_id`: `0`). */
  Absent: 0,
  AbsentZero: 1,
  Address: 2,
  Number: 3,
  Time: 4,
  /** Any other column (hashed addresses): its value's text. */
  Text: 5,
} as const;

/**
 * The `flow_key` column of a batch, computed from its own columns when first read (exporters
 * that drop the column never pay for it).
 */
export class FlowKeyTexts implements StringColumn {
  readonly kind = 'string' as const;
  private texts: string[] | null = null;
  /** How each key field is written, and its column (null: absent), once per batch. */
  private cells: Uint8Array | null = null;
  private keyColumns: (FlowColumn | null)[] = [];
  /** The thread's memo of keys by their fields' values; null when a field is read as text (hashed addresses). */
  private memo: FlowKeyMemo | null = null;
  private layout = 0;
  /** The key text of one row, as bytes (then hashed). */
  private readonly text = new Uint8Array(KEY_TEXT_MAX);
  constructor(
    private readonly fields: readonly FieldSpec[],
    private readonly columns: readonly FlowColumn[],
    private readonly n: number,
  ) {}

  /** True once {@link values} was read. */
  get computed(): boolean {
    return this.texts !== null;
  }

  /**
   * The fields the key is made from and their columns (those of {@link FLOW_KEY_FIELDS} present):
   * a key made from them is this key, wherever it is made (a batch whose column selection left
   * the key's fields out carries them along to the thread that reads the key).
   */
  sources(): { fields: FieldSpec[]; columns: FlowColumn[] } {
    const fields: FieldSpec[] = [];
    const columns: FlowColumn[] = [];
    for (const name of FLOW_KEY_FIELDS) {
      const j = this.fields.findIndex((f) => f.name === name);
      if (j < 0) continue;
      fields.push(this.fields[j]!);
      columns.push(this.columns[j]!);
    }
    return { fields, columns };
  }

  /**
   * True when every identifying field of `batch` is the very column this key reads (or is absent
   * from both): a key made from `batch` is this key.
   */
  readsFrom(batch: FlowBatch): boolean {
    for (const name of FLOW_KEY_FIELDS) {
      const j = this.fields.findIndex((f) => f.name === name);
      const k = batch.indexOf(name);
      if ((j < 0) !== (k < 0) || (j >= 0 && this.columns[j] !== batch.columns[k])) return false;
    }
    return true;
  }

  get values(): readonly string[] {
    if (this.texts !== null) return this.texts;
    const out = new Array<string>(this.n);
    if (this.cells === null) this.prepare();
    const memo = this.memo;
    for (let i = 0; i < this.n; i++) {
      if (memo !== null) {
        this.gather(i, memo.row);
        if (memo.find()) {
          out[i] = memo.text();
          continue;
        }
      }
      const n = this.keyText(i);
      const key = n < 0 ? this.slowKey(i) : fnvOfBytes(this.text, n);
      if (memo !== null) memo.store(hexBytes(key), 0, key);
      out[i] = key;
    }
    this.texts = out;
    return out;
  }

  /**
   * Writes row `i`'s key as 16 hex digits at `pos` of `buf` (room for 16 bytes) and returns the
   * position after it: the text of `values[i]` without making it (the CSV output's way).
   */
  writeHex(buf: Uint8Array, pos: number, i: number): number {
    if (this.cells === null) this.prepare();
    const memo = this.texts === null ? this.memo : null;
    if (memo !== null) {
      this.gather(i, memo.row);
      if (memo.find()) return memo.copyHex(buf, pos);
    }
    const n = this.texts === null ? this.keyText(i) : -1;
    if (n < 0) {
      const key = this.texts === null ? this.slowKey(i) : this.texts[i]!;
      for (let k = 0; k < 16; k++) buf[pos + k] = key.charCodeAt(k);
      return pos + 16;
    }
    const h = fnvLimbs(this.text, n);
    writeLimb(buf, pos, h[3]!);
    writeLimb(buf, pos + 4, h[2]!);
    writeLimb(buf, pos + 8, h[1]!);
    writeLimb(buf, pos + 12, h[0]!);
    memo?.store(buf, pos);
    return pos + 16;
  }

  /** The values row `i`'s key is made from, into `row` (see {@link FlowKeyMemo}). */
  private gather(i: number, row: Float64Array): void {
    const cells = this.cells!;
    const columns = this.keyColumns;
    let k = 0;
    for (let f = 0; f < cells.length; f++) {
      const c = columns[f];
      const cell = cells[f]!;
      if (cell === KeyCell.Address) {
        const a = c as AddressTexts;
        const o = i * 8 + a.offset;
        row[k] = a.versions[i]!;
        row[k + 1] = a.words[o]!;
        row[k + 2] = a.words[o + 1]!;
        row[k + 3] = a.words[o + 2]!;
        row[k + 4] = a.words[o + 3]!;
        k += 5;
      } else row[k++] = cell === KeyCell.Number || cell === KeyCell.Time ? (c as Extract<FlowColumn, { kind: 'number' }>).values[i]! : 0;
    }
    while (k < MEMO_VALUES - 1) row[k++] = 0;
    row[k] = this.layout;
  }

  /** Writes row `i`'s key text (the fields joined by `|`) into {@link text}: its length, or −1 (not ASCII, too long). */
  private keyText(i: number): number {
    // its callers (values, writeHex) prepared the batch's cells
    const cells = this.cells!;
    const columns = this.keyColumns;
    const buf = this.text;
    let pos = 0;
    for (let k = 0; k < cells.length && pos >= 0; k++) {
      if (k > 0) buf[pos++] = PIPE;
      pos = writeCell(buf, pos, cells[k]!, columns[k]!, i);
    }
    return pos;
  }

  /** Finds the key fields' columns and how each is written (once per batch). */
  private prepare(): Uint8Array {
    const m = FLOW_KEY_FIELDS.length;
    const cells = new Uint8Array(m);
    const columns: (FlowColumn | null)[] = [];
    for (let k = 0; k < m; k++) {
      const j = this.fields.findIndex((f) => f.name === FLOW_KEY_FIELDS[k]);
      const c = j < 0 ? null : this.columns[j]!;
      columns.push(c);
      if (c === null) cells[k] = k === 6 ? KeyCell.AbsentZero : KeyCell.Absent;
      else if (c instanceof AddressTexts) cells[k] = KeyCell.Address;
      // time columns hold the signed reading of NFStream's uint64: written as CSV does
      else if (c.kind === 'number') cells[k] = this.fields[j]!.type === 'uint64' ? KeyCell.Time : KeyCell.Number;
      else cells[k] = KeyCell.Text;
    }
    this.keyColumns = columns;
    this.cells = cells;
    // the memo reads numbers and addresses; a field made of text (a hashed address) is not remembered
    if (!cells.includes(KeyCell.Text)) {
      this.memo = flowKeyMemo();
      this.layout = this.memo.layoutId(cells.join());
    }
    return cells;
  }

  /** The key through {@link flowKey} (texts that are not ASCII, or longer than the buffer). */
  private slowKey(i: number): string {
    const record: Record<string, unknown> = {};
    for (const name of FLOW_KEY_FIELDS) {
      const j = this.fields.findIndex((f) => f.name === name);
      if (j < 0) continue;
      const c = this.columns[j]!;
      record[name] = c.kind === 'number' && this.fields[j]!.type === 'uint64' ? uint64Text(c.values[i]!) : cellValue(c, i);
    }
    return flowKey(record as FlowKeyFields);
  }
}

/**
 * A number field's text: whole numbers as digits straight into the buffer; others (a wrapped
 * time, a fraction) as text. It reads the value itself: a time handed to a call that is not
 * inlined would be boxed, an allocation per key.
 */
function writeNumberCell(buf: Uint8Array, pos: number, values: Float64Array, i: number, time: boolean): number {
  const x = values[i]!;
  if (x >= 0 && x <= Number.MAX_SAFE_INTEGER && Math.floor(x) === x) return writeDigits(buf, pos, x);
  return writeAscii(buf, pos, time ? uint64Text(x) : String(x));
}

/** Writes one key field's text of row `i` as bytes; −1 when it is not ASCII or does not fit. */
function writeCell(buf: Uint8Array, pos: number, cell: number, c: FlowColumn, i: number): number {
  switch (cell) {
    case KeyCell.Absent:
      return pos;
    case KeyCell.AbsentZero:
      buf[pos] = ZERO;
      return pos + 1;
    case KeyCell.Address: {
      const a = c as AddressTexts;
      return writeIpText(buf, pos, a.words, i * 8 + a.offset, a.versions[i]!);
    }
    case KeyCell.Number:
    case KeyCell.Time:
      return writeNumberCell(buf, pos, (c as Extract<FlowColumn, { kind: 'number' }>).values, i, cell === KeyCell.Time);
    default: {
      const x = cellValue(c, i);
      return writeAscii(buf, pos, x === null || x === undefined ? '' : String(x));
    }
  }
}
