const LN2 = Math.log(2);

/**
 * Shannon entropy of a payload in bits per byte, as CovertMark's `EntropyAnalyser.byte_entropy`
 * (spec §2): terms summed in first-appearance order of the byte values, `log2` taken as
 * `ln(p) / ln(2)`. An empty payload gives 0.
 *
 * @example
 * ```ts
 * byteEntropy(new TextEncoder().encode('hello world')); // 2.845350936622437
 * ```
 */
export function byteEntropy(payload: Uint8Array): number {
  const n = payload.length;
  if (n === 0) return 0;
  const counts = new Uint32Array(256);
  const order = new Uint8Array(256);
  let distinct = 0;
  for (let i = 0; i < n; i++) {
    const b = payload[i]!;
    if (counts[b]++ === 0) order[distinct++] = b;
  }
  let h = 0;
  for (let i = 0; i < distinct; i++) {
    const p = counts[order[i]!]! / n;
    h = h + -p * (Math.log(p) / LN2);
  }
  return h;
}
