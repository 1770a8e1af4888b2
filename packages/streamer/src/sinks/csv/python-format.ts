/**
 * Python's text forms of flow values, as NFStream's CSV export and anonymiser produce them
 * (spec §9.1/§9.3): `str(v)` for scalars and `repr` inside lists.
 */

/**
 * Python `repr(float)`: shortest round-trip digits, positional when 1e-4 ≤ |v| < 1e16 (always with a
 * fractional part), scientific otherwise with a sign and at least two exponent digits.
 *
 * @example pythonFloat(440) === '440.0'; pythonFloat(1e-5) === '1e-05'; pythonFloat(1.5e16) === '1.5e+16'
 */
export function pythonFloat(x: number): string {
  if (x !== x) return 'nan';
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const ax = x < 0 ? -x : x;
  if (ax >= 1e-4 && ax < 1e16) {
    const s = String(x); // JS is positional in this range (it switches at 1e-7 and 1e21)
    return s.indexOf('.') < 0 ? `${s}.0` : s;
  }
  const e = x.toExponential(); // shortest round-trip mantissa, e.g. '1.5e+16', '1e-5'
  const at = e.indexOf('e');
  const mantissa = e.slice(0, at);
  const sign = e[at + 1];
  const digits = e.slice(at + 2);
  return `${mantissa}e${sign}${digits.length < 2 ? `0${digits}` : digits}`;
}

/** Python `repr(str)`: single quotes unless the text holds `'` and no `"`; escapes as CPython does. */
export function pythonStrRepr(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '\\') out += '\\\\';
    else if (ch === quote) out += `\\${quote}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (c < 0x20 || c === 0x7f) out += `\\x${c.toString(16).padStart(2, '0')}`;
    else if (c >= 0x80 && c < 0xa0) out += `\\x${c.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return out + quote;
}

/** Python `repr(v)` for a value inside a list (strings quoted, None, nested lists). */
export function pythonRepr(v: unknown, isFloat = false): string {
  if (v === null || v === undefined) return 'None';
  if (typeof v === 'string') return pythonStrRepr(v);
  if (typeof v === 'number') return isFloat || !Number.isInteger(v) ? pythonFloat(v) : String(v);
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (typeof v === 'bigint') return v.toString();
  if (Array.isArray(v)) return `[${v.map((x) => pythonRepr(x, isFloat)).join(', ')}]`;
  return String(v);
}

/**
 * Python `str(v)` of a flow value: strings as is, numbers as int or float text (`isFloat` forces
 * the float form for integral floats such as a mean of 440), lists in list repr, null as `None`.
 *
 * @example pythonStr([0, 1, -1]) === '[0, 1, -1]'; pythonStr(443) === '443'; pythonStr(440, true) === '440.0'
 */
export function pythonStr(v: unknown, isFloat = false): string {
  if (typeof v === 'string') return v;
  return pythonRepr(v, isFloat);
}
