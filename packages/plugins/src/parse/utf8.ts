// `ignoreBOM: true`: Python's 'utf-8' codec keeps a leading U+FEFF, TextDecoder would strip it.
const strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const lenient = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });

/**
 * Decodes UTF-8 like Python's `bytes.decode('utf-8')`: invalid input throws (a `TypeError` naming
 * `what`), which the plugins let escape because NFStream crashes there (spec §10.1).
 *
 * @example
 * ```ts
 * decodeUtf8Strict(new Uint8Array([0x68, 0x69]), 'DHCP option 60'); // 'hi'
 * ```
 */
export function decodeUtf8Strict(bytes: Uint8Array, what: string): string {
  try {
    return strict.decode(bytes);
  } catch {
    throw new TypeError(`invalid UTF-8 in ${what}: ${hex(bytes)}`);
  }
}

/**
 * Decodes UTF-8 like Python's `bytes.decode('utf-8', 'replace')`: invalid sequences become U+FFFD.
 *
 * @example
 * ```ts
 * decodeUtf8Replace(new Uint8Array([0x61, 0xff])); // 'a\uFFFD'
 * ```
 */
export function decodeUtf8Replace(bytes: Uint8Array): string {
  return lenient.decode(bytes);
}

function hex(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length && i < 64; i++) s += bytes[i]!.toString(16).padStart(2, '0');
  return bytes.length > 64 ? `${s}…` : s;
}
