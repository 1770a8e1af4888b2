/**
 * A JA4 parse failure that NFStream's plugin reports as an exception (not as a failed assertion):
 * for a ServerHello it clears the flow's `ja4` (spec §10.3, §14 #26).
 *
 * @example
 * ```ts
 * try { ja4Fingerprint(bytes, 0, bytes.length, 2, true); } catch (e) { if (e instanceof Ja4Error) … }
 * ```
 */
export class Ja4Error extends Error {
  override name = 'Ja4Error';
}
