import { createHash } from 'node:crypto';

/**
 * First 12 hex digits of SHA-256 of the UTF-8 text, or `000000000000` for the empty text (JA4's
 * hashed parts b and c).
 *
 * @example
 * ```ts
 * sha256Prefix12(''); // '000000000000'
 * ```
 */
export function sha256Prefix12(text: string): string {
  if (text === '') return '000000000000';
  return createHash('sha256').update(text, 'utf8').digest('hex').slice(0, 12);
}
