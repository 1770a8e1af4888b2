/**
 * Tells V8, before any code is optimised, that the named fields of `object` change later.
 *
 * V8 takes a field stored only once for a constant of every object of that shape, and code
 * optimised afterwards may build its value in; the field's first change then throws that code
 * away (`--trace-generalization`: `const->mutable`; `--trace-deopt`: "code dependencies"), which
 * mid-run means the packet path compiled again: a table that grows, a counter read from the
 * other thread, a list replaced after each message, a scratch object's fields. Storing another
 * value of the same kind into each field and then its own back makes them variable from the
 * start, with their representation (small integer, double, reference) and shape unchanged. Names
 * are strings (private fields are meant too); a name that holds no such value throws.
 *
 * @example
 * ```ts
 * constructor() {
 *   variableFields(this, 'state', 'proto'); // both are replaced by larger arrays as the table grows
 * }
 * ```
 */
export function variableFields<T extends object>(object: T, ...names: string[]): T {
  const fields = object as Record<string, unknown>;
  for (const name of names) {
    const value = fields[name];
    fields[name] = standIn(value, name);
    fields[name] = value;
  }
  return object;
}

/** A value other than `value`, of its kind and shape. */
function standIn(value: unknown, name: string): unknown {
  if (typeof value === 'number') return value === 0 ? 1 : 0;
  if (typeof value === 'string') return `${value} `;
  if (value instanceof DataView) return new DataView(value.buffer, value.byteOffset, 0);
  if (ArrayBuffer.isView(value)) return (value as Uint8Array).subarray(0, 0);
  if (Array.isArray(value)) return value.slice(0, 0);
  throw new TypeError(`variableFields: field ${name} holds ${value === null ? 'null' : typeof value}, not a number, a string, a typed array, a DataView or an array`);
}
