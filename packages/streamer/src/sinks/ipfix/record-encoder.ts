import type { FlowBatch, FlowColumn } from '@flowstream/core';
import { writeIpv4, writeIpv6, writeMac } from './address-bytes.js';
import { flowEndReason } from './information-elements.js';
import type { Template } from './templates.js';
import { pythonRepr } from '../csv/python-format.js';

/** A template bound to the columns of one batch (resolved once per batch, not per flow). */
export interface BoundTemplate {
  readonly template: Template;
  /** Column of each template field (undefined for constants). */
  readonly columns: readonly (FlowColumn | undefined)[];
}

/** Resolves the columns of `template` in `batch`. */
export function bindTemplate(template: Template, batch: FlowBatch): BoundTemplate {
  return { template, columns: template.fields.map((f) => (f.column === '' ? undefined : batch.column(f.column))) };
}

const TWO_32 = 4294967296;

/** 64-bit big-endian two's complement of `v` (exact up to 2^53; a negative time is its unsigned reading). */
function write64(buf: Buffer, o: number, v: number): void {
  if (v !== v) v = 0;
  const hi = Math.floor(v / TWO_32);
  buf.writeUInt32BE(hi >>> 0, o);
  buf.writeUInt32BE((v - hi * TWO_32) >>> 0, o + 4);
}

function numberAt(c: FlowColumn | undefined, row: number): number {
  if (c === undefined) return NaN;
  if (c.kind === 'number') return c.values[row]!;
  const v = c.kind === 'list' ? NaN : c.values[row];
  return typeof v === 'number' ? v : typeof v === 'boolean' ? (v ? 1 : 0) : v == null ? NaN : Number(v);
}

/** NFStream's CSV form of a list: `[1, 2, 3]`. */
function listText(values: ArrayLike<unknown>): string {
  let s = '[';
  for (let i = 0; i < values.length; i++) s += (i === 0 ? '' : ', ') + String(values[i]);
  return s + ']';
}

/**
 * A plugin value sent as text: the text of its CSV cell (Python's repr of lists, booleans and
 * floats: `['a', 'b']`, `True`, `1e-07`, `nan`), empty for none.
 *
 * @example valueText(['a', 'b']) // "['a', 'b']"
 */
export function valueText(v: unknown): string {
  return v == null ? '' : typeof v === 'string' ? v : pythonRepr(v);
}

function textAt(c: FlowColumn | undefined, row: number): string {
  if (c === undefined) return '';
  switch (c.kind) {
    case 'string':
      return c.values[row] ?? '';
    case 'number':
      return String(c.values[row]);
    case 'list':
      return listText(c.values.subarray(row * c.width, row * c.width + c.width));
    case 'value':
      return valueText(c.values[row]);
  }
}

/**
 * Variable-length string (RFC 7011 §7): one length byte, or 255 and two length bytes when the
 * text may reach 255 UTF-8 bytes. Longer than 65535 bytes is cut.
 */
function writeText(buf: Buffer, o: number, s: string): number {
  if (s.length === 0) {
    buf[o] = 0;
    return o + 1;
  }
  if (s.length < 85) {
    const n = buf.write(s, o + 1);
    buf[o] = n;
    return o + 1 + n;
  }
  const n = buf.write(s, o + 3, Math.min(65535, buf.length - o - 3));
  buf[o] = 255;
  buf.writeUInt16BE(n, o + 1);
  return o + 3 + n;
}

/**
 * Writes the data record of `row` for a bound template at `o` and returns the offset after it.
 * Unparsable addresses are written as zeros (the template's family was chosen from the text).
 */
export function writeRecord(b: BoundTemplate, row: number, buf: Buffer, o: number): number {
  const fields = b.template.fields;
  const cols = b.columns;
  for (let i = 0; i < fields.length; i++) {
    const f = fields[i]!;
    const c = cols[i];
    switch (f.encoding) {
      case 'u8':
        buf[o++] = numberAt(c, row) & 0xff;
        break;
      case 'u16':
        buf.writeUInt16BE(numberAt(c, row) & 0xffff, o);
        o += 2;
        break;
      case 'u64':
      case 'i64':
      case 'ms':
        write64(buf, o, numberAt(c, row));
        o += 8;
        break;
      case 'f64':
      case 'number':
        buf.writeDoubleBE(numberAt(c, row), o);
        o += 8;
        break;
      case 'bool':
        buf[o++] = numberAt(c, row) ? 1 : 2;
        break;
      case 'endReason':
        buf[o++] = flowEndReason(numberAt(c, row));
        break;
      case 'const':
        buf[o++] = f.constant;
        break;
      case 'ipv4':
        if (!writeIpv4(textAt(c, row), buf, o)) buf.fill(0, o, o + 4);
        o += 4;
        break;
      case 'ipv6':
        if (!writeIpv6(textAt(c, row), buf, o)) buf.fill(0, o, o + 16);
        o += 16;
        break;
      case 'mac':
        writeMac(textAt(c, row), buf, o);
        o += 6;
        break;
      case 'text':
        o = writeText(buf, o, textAt(c, row));
        break;
    }
  }
  return o;
}

/** Address family of row `row` of an address column: 6 when the text has a colon. */
export function familyAt(c: FlowColumn | undefined, row: number): 4 | 6 {
  if (c === undefined || c.kind !== 'string') return 4;
  const t = c.values[row];
  return t != null && t.indexOf(':') >= 0 ? 6 : 4;
}
