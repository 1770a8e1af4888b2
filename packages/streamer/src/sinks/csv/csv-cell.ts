import { pythonFloat, pythonRepr } from './python-format.js';

/** A quoted CSV string cell with NFStream's `\"` escaping (spec §9.1 quirk 23). */
export function quoteCell(s: string): string {
  return s.indexOf('"') < 0 ? `"${s}"` : `"${s.replaceAll('"', '\\"')}"`;
}

/**
 * One CSV cell of any value the way NFStream's `csv_converter` writes it (spec §9.1): numbers as
 * Python ints or floats (`isFloat` forces the float form), strings quoted, lists in Python repr,
 * booleans `True`/`False`, None empty.
 *
 * @example csvCell(440, true) === '440.0'; csvCell('a"b', false) === '"a\\"b"'
 */
export function csvCell(v: unknown, isFloat = false): string {
  if (typeof v === 'number') return isFloat ? pythonFloat(v) : Number.isInteger(v) ? `${v}` : pythonFloat(v);
  if (v === null || v === undefined) return '';
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (typeof v === 'bigint') return v.toString();
  return quoteCell(typeof v === 'string' ? v : pythonRepr(v, isFloat));
}
