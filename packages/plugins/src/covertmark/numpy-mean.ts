/** NumPy's iterator buffer size: the outer chunking of a reduction (spec §4). */
const BUFFER_SIZE = 8192;

/** NumPy's pairwise summation of `a[start .. start+n-1]` (spec §4, `P`). */
function pairwiseSum(a: ArrayLike<number>, start: number, n: number): number {
  if (n < 8) {
    let r = 0;
    for (let i = 0; i < n; i++) r += a[start + i]!;
    return r;
  }
  if (n <= 128) {
    const r0 = [a[start]!, a[start + 1]!, a[start + 2]!, a[start + 3]!];
    const r1 = [a[start + 4]!, a[start + 5]!, a[start + 6]!, a[start + 7]!];
    let i = 8;
    const stop = n - (n % 8);
    for (; i < stop; i += 8) {
      for (let j = 0; j < 4; j++) {
        r0[j] = r0[j]! + a[start + i + j]!;
        r1[j] = r1[j]! + a[start + i + 4 + j]!;
      }
    }
    let t = ((r0[0]! + r0[1]!) + (r0[2]! + r0[3]!)) + ((r1[0]! + r1[1]!) + (r1[2]! + r1[3]!));
    for (; i < n; i++) t += a[start + i]!;
    return t;
  }
  let h = Math.floor(n / 2);
  h -= h % 8;
  return pairwiseSum(a, start, h) + pairwiseSum(a, start + h, n - h);
}

/**
 * `numpy.mean` of float64 values, bit for bit (NumPy 1.24 pairwise summation, spec §4). Integers
 * are treated as floats, as NumPy does. An empty list gives NaN.
 *
 * @example
 * ```ts
 * numpyMean([0.1, 0.2, 0.3]); // 0.20000000000000004
 * ```
 */
export function numpyMean(values: ArrayLike<number>): number {
  const n = values.length;
  if (n === 0) return NaN;
  let s = 0;
  for (let start = 0; start < n; start += BUFFER_SIZE) {
    s += pairwiseSum(values, start, Math.min(BUFFER_SIZE, n - start));
  }
  return s / n;
}
