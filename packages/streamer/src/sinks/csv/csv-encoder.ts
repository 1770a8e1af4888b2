import { uint64Text, type FieldSpec, type FlowColumn } from '@flowstream/core';
import { AddressTexts, FlowKeyTexts, MacTexts, MAX_ADDRESS_TEXT, writeDigits, writeHighLow, writeIpText, writeMacText, writeOuiText, writeUint32 } from '@flowstream/core/internal';
import { writeText, type ByteCursor } from '../files/byte-cursor.js';
import { csvCell } from './csv-cell.js';
import { pythonFloat } from './python-format.js';

/**
 * Writes rows `[from, to)` of a batch's columns as NFStream CSV lines (each ending in `\n`) at the
 * cursor; returns the row it stopped at: `to` when every row fit, else the first row that did not
 * (with `cursor.need` set).
 */
export type CsvEncoder = (columns: readonly FlowColumn[], from: number, to: number, cursor: ByteCursor) => number;

/** Longest text of a number cell (`-1.7976931348623157e+308`, a 20-digit uint64), with room to spare. */
const MAX_NUMBER = 25;
const TWO_POW_53 = 9007199254740992;
const COMMA = 44;
const QUOTE = 34;

/** An `int` cell: Python's int text, or its float text when the value is not integral (spec §9.1). */
function writeInt(buf: Buffer, pos: number, v: number): number {
  if (Math.floor(v) === v) {
    if (v >= 0 && v <= TWO_POW_53) return writeDigits(buf, pos, v);
    if (v < 0 && v >= -TWO_POW_53) {
      buf[pos] = 45;
      return writeDigits(buf, pos + 1, -v);
    }
  }
  return writeText(buf, pos, Number.isInteger(v) ? `${v}` : pythonFloat(v));
}

// Cells of numbers (and MACs) read their value from its typed array themselves (`values[i]`): a
// number past the small-integer range (a time, a MAC, a fraction) handed to a call that is not
// inlined is boxed, an allocation per cell that kept the output thread's collector busy.

/** A `float` cell: Python's `repr(float)`; integral values are written without building a string. */
function writeFloatAt(buf: Buffer, pos: number, values: Float64Array, i: number): number {
  let v = values[i]!;
  if (Math.floor(v) === v && v < 1e16 && v > -1e16) {
    if (v === 0) return writeText(buf, pos, 1 / v > 0 ? '0.0' : '-0.0');
    if (v < 0) {
      buf[pos++] = 45;
      v = -v;
    }
    pos = writeDigits(buf, pos, v);
    buf[pos] = 46;
    buf[pos + 1] = 48;
    return pos + 2;
  }
  return writeText(buf, pos, pythonFloat(v));
}

/** A time cell: NFStream's unsigned 64-bit milliseconds (negative = wrapped, see FlowBatch). */
function writeTimeAt(buf: Buffer, pos: number, values: Float64Array, i: number): number {
  const v = values[i]!;
  if (v >= 0 && v <= TWO_POW_53 && Math.floor(v) === v) return writeDigits(buf, pos, v);
  return writeText(buf, pos, uint64Text(v));
}

/** A quoted string cell with NFStream's `\"` escaping; room for `3 * s.length + 2` bytes is made. */
function writeQuoted(buf: Buffer, pos: number, s: string): number {
  const start = pos;
  buf[pos++] = QUOTE;
  for (let k = 0; k < s.length; k++) {
    const c = s.charCodeAt(k);
    if (c >= 0x80) return writeText(buf, start, s.indexOf('"') < 0 ? `"${s}"` : `"${s.replaceAll('"', '\\"')}"`);
    if (c === QUOTE) buf[pos++] = 92;
    buf[pos++] = c;
  }
  buf[pos] = QUOTE;
  return pos + 1;
}

/** A fixed-width list cell (SPLT) in Python's list repr, quoted: `"[0, 1, -1]"`. */
function writeList(buf: Buffer, pos: number, values: Int32Array | Float64Array, from: number, width: number): number {
  buf[pos++] = QUOTE;
  buf[pos++] = 91;
  for (let k = 0; k < width; k++) {
    if (k > 0) {
      buf[pos++] = COMMA;
      buf[pos++] = 32;
    }
    pos = writeInt(buf, pos, values[from + k]!);
  }
  buf[pos++] = 93;
  buf[pos] = QUOTE;
  return pos + 1;
}

function writeAddress(buf: Buffer, pos: number, words: Uint32Array, versions: Uint8Array, i: number, offset: number): number {
  buf[pos] = QUOTE;
  pos = writeIpText(buf, pos + 1, words, i * 8 + offset, versions[i]!);
  buf[pos] = QUOTE;
  return pos + 1;
}

/** An `int` cell of a number column (SPLT lists write theirs with {@link writeInt}). */
function writeIntAt(buf: Buffer, pos: number, values: Float64Array, i: number): number {
  return writeInt(buf, pos, values[i]!);
}

function writeMac(buf: Buffer, pos: number, macs: Float64Array, i: number): number {
  buf[pos] = QUOTE;
  pos = writeMacText(buf, pos + 1, macs[i]!);
  buf[pos] = QUOTE;
  return pos + 1;
}

/** A snapshot row's `flow_key`, hashed straight into the buffer (no string per row). */
function writeKey(buf: Buffer, pos: number, key: FlowKeyTexts, i: number): number {
  buf[pos] = QUOTE;
  pos = key.writeHex(buf, pos + 1, i);
  buf[pos] = QUOTE;
  return pos + 1;
}

function writeOui(buf: Buffer, pos: number, macs: Float64Array, i: number): number {
  buf[pos] = QUOTE;
  pos = writeOuiText(buf, pos + 1, macs[i]!);
  buf[pos] = QUOTE;
  return pos + 1;
}

// The two commonest cells test their value in the encoder itself and call a digit writer with
// small integers: an integer in [0, 2^31) (ports, counters, durations), and a time as its
// digits above and below the 8th. Numbers handed to a call that is not inlined stay unboxed, and
// the writers skip the float checks; other values (negative, fractional, wrapped) take the
// helpers above. CSV export of the many-flows bench capture: 1049 → 1016 ms (9 rounds, medians).

const HELPERS = { writeIntAt, writeFloatAt, writeTimeAt, writeQuoted, writeList, writeAddress, writeMac, writeOui, writeKey, writeText, csvCell, writeUint32, writeHighLow };

/** An `int` cell of column `j` (`(x | 0) === x && x >= 0` holds for integers in [0, 2^31) only). */
function intCellCode(j: number): string {
  return `{ const x = v${j}[i]; pos = (x | 0) === x && x >= 0 ? h.writeUint32(buf, pos, x | 0) : h.writeIntAt(buf, pos, v${j}, i); }`;
}

/** A time cell of column `j`: from 1e8 ms on (1970-01-02), as two integers (2^53 / 1e8 < 2^31). */
function timeCellCode(j: number): string {
  return [
    `{ const x = v${j}[i];`,
    `if (x >= 1e8 && x <= ${TWO_POW_53} && Math.floor(x) === x) { const hi = Math.floor(x / 1e8); pos = h.writeHighLow(buf, pos, hi | 0, (x - hi * 1e8) | 0); }`,
    `else pos = h.writeTimeAt(buf, pos, v${j}, i); }`,
  ].join('\n');
}

const compiled = new Map<string, CsvEncoder>();

/** How a column's cells are written (part of the compiled layout). */
function cellKind(f: FieldSpec, c: FlowColumn): string {
  if (c instanceof AddressTexts) return 'address';
  if (c instanceof MacTexts) return c.oui ? 'oui' : 'mac';
  if (c instanceof FlowKeyTexts) return 'key';
  if (c.kind === 'number') return f.type === 'float' ? 'float' : f.type === 'uint64' ? 'time' : 'int';
  if (c.kind === 'list') return `list${c.width}`;
  if (c.kind === 'string') return 'string';
  return f.type === 'float' || f.type === 'float[]' ? 'value-float' : 'value';
}

/**
 * A straight-line CSV encoder for one column layout: each cell reads its typed array and writes
 * ASCII bytes straight into the output buffer (numbers digit by digit, addresses and MACs from
 * their packed values), with no string per row or per cell except where Python's float text or a
 * plugin value needs one. Byte for byte what NFStream writes (spec §9.1). Cached per layout.
 */
export function csvEncoder(fields: readonly FieldSpec[], columns: readonly FlowColumn[]): CsvEncoder {
  const kinds = fields.map((f, j) => cellKind(f, columns[j]!));
  const layout = kinds.join('|');
  let fn = compiled.get(layout);
  if (fn !== undefined) return fn;
  const decl: string[] = [];
  const texts: string[] = [];
  const need: string[] = [];
  let fixed = 1; // the line end
  const cells = kinds.map((k, j) => {
    fixed += 1; // the comma (one too many for the last cell: harmless room)
    switch (k) {
      case 'address':
        decl.push(`const w${j} = c[${j}].words, r${j} = c[${j}].versions, o${j} = c[${j}].offset;`);
        fixed += MAX_ADDRESS_TEXT + 2;
        return `pos = h.writeAddress(buf, pos, w${j}, r${j}, i, o${j});`;
      case 'mac':
      case 'oui':
        decl.push(`const m${j} = c[${j}].macs, s${j} = c[${j}].side;`);
        fixed += 19;
        return `pos = h.write${k === 'mac' ? 'Mac' : 'Oui'}(buf, pos, m${j}, i * 2 + s${j});`;
      case 'key':
        decl.push(`const k${j} = c[${j}];`);
        fixed += 18;
        return `pos = h.writeKey(buf, pos, k${j}, i);`;
      case 'int':
      case 'time':
        decl.push(`const v${j} = c[${j}].values;`);
        fixed += MAX_NUMBER;
        return k === 'int' ? intCellCode(j) : timeCellCode(j);
      case 'float':
        decl.push(`const v${j} = c[${j}].values;`);
        fixed += MAX_NUMBER;
        return `pos = h.writeFloatAt(buf, pos, v${j}, i);`;
      case 'string':
        decl.push(`const v${j} = c[${j}].values;`);
        texts.push(`const t${j} = v${j}[i];`);
        need.push(`(t${j} == null ? 0 : 3 * t${j}.length + 2)`);
        return `if (t${j} != null) pos = h.writeQuoted(buf, pos, t${j});`;
      case 'value':
      case 'value-float':
        decl.push(`const v${j} = c[${j}].values;`);
        texts.push(`const t${j} = h.csvCell(v${j}[i], ${k === 'value-float'});`);
        need.push(`3 * t${j}.length`);
        return `pos = h.writeText(buf, pos, t${j});`;
      default: {
        const width = Number(k.slice(4));
        decl.push(`const v${j} = c[${j}].values;`);
        fixed += 4 + width * (MAX_NUMBER + 2);
        return `pos = h.writeList(buf, pos, v${j}, i * ${width}, ${width});`;
      }
    }
  });
  const body = [
    ...decl,
    'const buf = cur.buf;',
    'const end = buf.length;',
    'let pos = cur.pos;',
    // the cursor is written on every call, also when all rows fit: a store first made when the
    // buffer fills would undo the compiled encoder (no type feedback yet) and compile it again
    'let stop = to, short = 0;',
    'for (let i = from; i < to; i++) {',
    ...texts,
    `  const need = ${[String(fixed), ...need].join(' + ')};`,
    '  if (end - pos < need) { stop = i; short = need; break; }',
    cells.join('\nbuf[pos++] = 44;\n'),
    'buf[pos++] = 10;',
    '}',
    'cur.pos = pos;',
    'cur.need = short;',
    'return stop;',
  ].join('\n');
  fn = new Function('h', `return function csvEncode(c, from, to, cur) {\n${body}\n};`)(HELPERS) as CsvEncoder;
  if (compiled.size > 64) compiled.clear();
  compiled.set(layout, fn);
  return fn;
}
