/** Formats a value for an option error message. */
function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'function') return 'a function';
  if (Array.isArray(value)) {
    // a short list of plain values is shown as it is (the entry at fault is then visible)
    const plain = value.length <= 8 && value.every((v) => typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean');
    return plain ? JSON.stringify(value) : `an array of ${value.length}`;
  }
  if (value === null) return 'null';
  if (typeof value === 'object') return `an object (${(value as object).constructor?.name ?? 'Object'})`;
  return String(value);
}

/** A TypeError naming the option, what it accepts and what it got. */
export function optionTypeError(option: string, allowed: string, value: unknown): TypeError {
  return new TypeError(`Invalid option ${option}: expected ${allowed}, got ${show(value)}.`);
}

/** A RangeError naming the option, what it accepts and what it got. */
export function optionRangeError(option: string, allowed: string, value: unknown): RangeError {
  return new RangeError(`Invalid option ${option}: expected ${allowed}, got ${show(value)}.`);
}
