/** Per-vector features of a wavelet decomposition, each array indexed by coefficient vector k. */
export interface EnergyFeatures {
  /** Relative energy E_k / (Σ E + 1e-7). */
  readonly p: number[];
  /** Mean absolute coefficient. */
  readonly u: number[];
  /** Population standard deviation of the coefficients. */
  readonly sigma: number[];
  /** Shannon entropy −Σ q·ln(q + 1e-7), q = c² / (E_k + 1e-7). */
  readonly S: number[];
}

/**
 * The WFPlugin features of coefficient vectors `c_0…c_L` (spec §10.3), with numpy's formulas
 * (`std` is the population one, computed around the mean).
 *
 * @example
 * ```ts
 * energyFeatures([new Float64Array([3, 4])]).p; // [25 / (25 + 1e-7)]
 * ```
 */
export function energyFeatures(vectors: readonly Float64Array[]): EnergyFeatures {
  const energies = vectors.map((c) => {
    let e = 0;
    for (const v of c) e += v * v;
    return e;
  });
  let total = 0;
  for (const e of energies) total += e;
  const p: number[] = [];
  const u: number[] = [];
  const sigma: number[] = [];
  const S: number[] = [];
  vectors.forEach((c, k) => {
    const e = energies[k]!;
    p.push(e / (total + 1e-7));
    let absSum = 0;
    let sum = 0;
    for (const v of c) {
      absSum += Math.abs(v);
      sum += v;
    }
    u.push(absSum / c.length);
    const mean = sum / c.length;
    let squares = 0;
    for (const v of c) squares += (v - mean) * (v - mean);
    sigma.push(Math.sqrt(squares / c.length));
    let entropy = 0;
    for (const v of c) {
      const q = (v * v) / (e + 1e-7);
      entropy += q * Math.log(q + 1e-7);
    }
    S.push(-entropy);
  });
  return { p, u, sigma, S };
}
