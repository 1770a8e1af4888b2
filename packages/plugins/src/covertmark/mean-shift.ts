import { buildKdTree1d, queryKdTree1d } from './kd-tree-ties.js';
import { requireInt } from './validate.js';

/** Result of {@link meanShift1d}: kept centres in rank order and one label per input. */
export interface MeanShiftResult {
  readonly centers: number[];
  readonly labels: number[];
}

const MAX_ITER = 300;

/** Python's `round` / NumPy's `rint`: nearest integer, ties to even. */
function roundHalfEven(v: number): number {
  const f = Math.floor(v);
  const diff = v - f;
  if (diff < 0.5) return f;
  if (diff > 0.5) return f + 1;
  return f % 2 === 0 ? f : f + 1;
}

/**
 * scikit-learn 1.2.1's `MeanShift(bandwidth, bin_seeding=True)` on one-dimensional integer data,
 * as CovertMark runs it (spec Appendix A): bin seeding, flat-kernel hill climbing, ranking by
 * intensity, near-duplicate removal with scikit-learn's distance arithmetic, and nearest-centre
 * labels (KD-tree tie order for ≥ 61 centres, Appendix B). Throws `RangeError` for an empty input
 * or a bandwidth that is not an integer ≥ 1.
 *
 * @example
 * ```ts
 * meanShift1d([854, 69, 854, 855, 855], 1); // { centers: [854.5, 69], labels: [0, 1, 0, 0, 0] }
 * ```
 */
export function meanShift1d(values: readonly number[], bandwidth: number): MeanShiftResult {
  const b = requireInt(bandwidth, 'bandwidth', 1);
  const n = values.length;
  if (n === 0) throw new RangeError('meanShift1d needs at least one value');
  const sorted = [...values].sort((x, y) => x - y);

  // A.1 seeds: bin centres k·b of the distinct bins (float32 product), or the inputs themselves.
  const bins: number[] = [];
  const seenBins = new Set<number>();
  for (const x of values) {
    const k = roundHalfEven(x / b);
    if (!seenBins.has(k)) {
      seenBins.add(k);
      bins.push(k);
    }
  }
  const seeds = bins.length === n ? values.slice() : bins.map((k) => Math.fround(Math.fround(k) * Math.fround(b)));

  // A.2 hill climbing with a flat kernel of radius b.
  const thresh = 0.001 * b;
  const intensity = new Map<number, number>();
  for (const s of seeds) {
    let m = s;
    let it = 0;
    for (;;) {
      const [sum, count] = windowSum(sorted, m - b, m + b, m, b);
      if (count === 0) break;
      const old = m;
      m = sum / count;
      if (Math.abs(m - old) < thresh || it === MAX_ITER) {
        intensity.set(m, count);
        break;
      }
      it++;
    }
  }

  // A.3 rank by intensity, then centre, both descending.
  const ranked = [...intensity.entries()].sort((p, q) => q[1] - p[1] || q[0] - p[0]).map((e) => e[0]);
  const k = ranked.length;

  // A.4 near-duplicate removal, literally (the expanded formula is not symmetric).
  const bb = b * b;
  const near = (i: number, j: number): boolean => {
    const ci = ranked[i]!;
    const cj = ranked[j]!;
    if (k <= 11) return ci * ci + -2 * (ci * cj) + cj * cj <= bb;
    return Math.abs(ci - cj) <= b;
  };
  const alive = new Array<boolean>(k).fill(true);
  for (let i = 0; i < k; i++) {
    if (!alive[i]) continue;
    for (let j = 0; j < k; j++) if (near(i, j)) alive[j] = false;
    alive[i] = true;
  }
  const centers = ranked.filter((_, i) => alive[i]);

  // A.5 labels.
  const kc = centers.length;
  const tree = kc >= 61 ? buildKdTree1d(centers) : null;
  const labels = values.map((x) => {
    let best = Infinity;
    let bestIdx = 0;
    let ties = 0;
    for (let j = 0; j < kc; j++) {
      const c = centers[j]!;
      const d = kc <= 3 ? Math.max(-2 * (x * c) + x * x + c * c, 0) : (x - c) * (x - c);
      if (d < best) {
        best = d;
        bestIdx = j;
        ties = 1;
      } else if (d === best) ties++;
    }
    return tree !== null && ties > 1 ? queryKdTree1d(tree, x) : bestIdx;
  });
  return { centers, labels };
}

/** Sum and count of the sorted inputs `x` with `|x − m| ≤ b` (exact integer sum). */
function windowSum(sorted: readonly number[], lo: number, hi: number, m: number, b: number): [number, number] {
  let i = lowerBound(sorted, lo - 1);
  let sum = 0;
  let count = 0;
  for (; i < sorted.length && sorted[i]! <= hi + 1; i++) {
    const x = sorted[i]!;
    if (Math.abs(x - m) <= b) {
      sum += x;
      count++;
    }
  }
  return [sum, count];
}

function lowerBound(a: readonly number[], v: number): number {
  let l = 0;
  let h = a.length;
  while (l < h) {
    const mid = (l + h) >> 1;
    if (a[mid]! < v) l = mid + 1;
    else h = mid;
  }
  return l;
}
