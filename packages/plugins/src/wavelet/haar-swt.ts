/**
 * Stationary (undecimated) Haar wavelet transform with circular extension (spec §10.3 WFPlugin):
 * `a_0 = x`; for j = 1…L, with s = 2^(j−1): `a_j[n] = (a_{j−1}[n] + a_{j−1}[(n+s) mod N])/√2`,
 * `d_j[n] = (a_{j−1}[n] − a_{j−1}[(n+s) mod N])/√2`.
 *
 * @returns the L+1 coefficient vectors `[a_L, d_L, d_{L−1}, …, d_1]` (PyWavelets' `swt` order).
 * @example
 * ```ts
 * haarSwt(new Float64Array([1, 0]), 1); // [[0.7071…, 0.7071…], [0.7071…, -0.7071…]]
 * ```
 */
export function haarSwt(x: ArrayLike<number>, levels: number): Float64Array[] {
  const n = x.length;
  let approx = Float64Array.from(x);
  const details: Float64Array[] = [];
  for (let j = 1; j <= levels; j++) {
    const shift = 2 ** (j - 1);
    const nextApprox = new Float64Array(n);
    const detail = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const a = approx[i]!;
      const b = approx[(i + shift) % n]!;
      // × 1/√2 (PyWavelets' Haar filter taps) rather than ÷ √2.
      nextApprox[i] = (a + b) * Math.SQRT1_2;
      detail[i] = (a - b) * Math.SQRT1_2;
    }
    approx = nextApprox;
    details.push(detail);
  }
  return [approx, ...details.reverse()];
}
