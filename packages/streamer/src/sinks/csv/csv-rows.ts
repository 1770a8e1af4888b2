import { uint64Text, type FieldSpec, type FlowColumn } from '@flowstream/core';
import { pythonFloat, pythonRepr } from './python-format.js';

/** Formats rows `[from, to)` of a batch's columns as NFStream CSV lines (each ending in `\n`). */
export type CsvRows = (columns: readonly FlowColumn[], from: number, to: number) => string;

/** A quoted CSV string cell with NFStream's `\"` escaping (spec §9.1 quirk 23). */
export function quoteCell(s: string): string {
  return s.indexOf('"') < 0 ? `"${s}"` : `"${s.replaceAll('"', '\\"')}"`;
}

function intCell(v: number): string {
  return Number.isInteger(v) ? `${v}` : pythonFloat(v);
}

function textCell(v: string | null | undefined): string {
  return v === null || v === undefined ? '' : quoteCell(v);
}

function listCell(values: Int32Array | Float64Array, from: number, width: number): string {
  let s = '"[';
  for (let k = 0; k < width; k++) {
    if (k > 0) s += ', ';
    s += intCell(values[from + k]!);
  }
  return `${s}]"`;
}

/**
 * One CSV cell of any value the way NFStream's `csv_converter` writes it (spec §9.1): numbers as
 * Python ints or floats (`isFloat` forces the float form), strings quoted, lists in Python repr,
 * booleans `True`/`False`, None empty.
 *
 * @example csvCell(440, true) === '440.0'; csvCell('a"b', false) === '"a\\"b"'
 */
export function csvCell(v: unknown, isFloat = false): string {
  if (typeof v === 'number') return isFloat ? pythonFloat(v) : intCell(v);
  if (v === null || v === undefined) return '';
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (typeof v === 'bigint') return v.toString();
  return quoteCell(typeof v === 'string' ? v : pythonRepr(v, isFloat));
}

const HELPERS = { intCell, textCell, listCell, csvCell, pythonFloat, uint64Text };

const compiled = new Map<string, CsvRows>();

/**
 * A straight-line row formatter for one column layout (names, types and storage kinds): each
 * cell reads its typed array directly, with no per-cell dispatch, so CSV keeps up with the meter.
 * Formatters are cached per layout.
 */
export function csvRows(fields: readonly FieldSpec[], columns: readonly FlowColumn[]): CsvRows {
  const layout = fields.map((f, j) => `${f.type}:${columns[j]!.kind}:${columns[j]!.kind === 'list' ? (columns[j] as { width: number }).width : ''}`).join('|');
  let fn = compiled.get(layout);
  if (fn !== undefined) return fn;
  const decl: string[] = [];
  const cells = fields.map((f, j) => {
    const c = columns[j]!;
    decl.push(`const v${j} = c[${j}].values;`);
    switch (c.kind) {
      case 'number':
        if (f.type === 'float') return `h.pythonFloat(v${j}[i])`;
        if (f.type === 'uint64') return `(v${j}[i] < 0 ? h.uint64Text(v${j}[i]) : '' + v${j}[i])`;
        return `h.intCell(v${j}[i])`;
      case 'string':
        return `h.textCell(v${j}[i])`;
      case 'list':
        return `h.listCell(v${j}, i * ${c.width}, ${c.width})`;
      default:
        return `h.csvCell(v${j}[i], ${f.type === 'float' || f.type === 'float[]'})`;
    }
  });
  const body = `${decl.join('\n')}\nlet out = '';\nfor (let i = from; i < to; i++) out += ${cells.join(" + ',' + ")} + '\\n';\nreturn out;`;
  fn = new Function('h', `return function csvRows(c, from, to) {\n${body}\n};`)(HELPERS) as CsvRows;
  if (compiled.size > 64) compiled.clear();
  compiled.set(layout, fn);
  return fn;
}
