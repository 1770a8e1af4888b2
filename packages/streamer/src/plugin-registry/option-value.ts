const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * Parses one option value of a plugin spec: numbers, `true`/`false`/`null` and JSON
 * (`[…]`, `{…}`, `"…"`) become values, anything else stays a string.
 *
 * @throws SyntaxError naming `where` for text that starts like JSON but is not.
 * @example
 * ```ts
 * parseOptionValue('10', 'x');      // 10
 * parseOptionValue('[1,2]', 'x');   // [1, 2]
 * parseOptionValue('eth0', 'x');    // 'eth0'
 * ```
 */
export function parseOptionValue(text: string, where: string): unknown {
  if (text === 'true') return true;
  if (text === 'false') return false;
  if (text === 'null') return null;
  if (NUMBER.test(text)) return Number(text);
  const first = text[0];
  if (first === '[' || first === '{' || first === '"') {
    try {
      return JSON.parse(text);
    } catch (e) {
      throw new SyntaxError(`${where}: invalid JSON value ${text} (${(e as Error).message})`);
    }
  }
  return text;
}

/**
 * The inverse of {@link parseOptionValue}: strings that would parse as something else (or contain
 * a comma) are JSON-quoted; other values are written as JSON.
 *
 * @example
 * ```ts
 * formatOptionValue('10'); // '"10"'
 * formatOptionValue(10);   // '10'
 * ```
 */
export function formatOptionValue(value: unknown): string {
  if (typeof value === 'string') {
    // Kept bare only when it would read back as the same string and cannot confuse the splitter.
    const plain = value !== '' && value === value.trim() && !/[,[\]{}"]/.test(value) && parseOptionValue(value, '') === value;
    return plain ? value : JSON.stringify(value);
  }
  return JSON.stringify(value);
}
