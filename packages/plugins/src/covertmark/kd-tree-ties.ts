/**
 * scikit-learn's KD-tree nearest-centre query (leaf size 30) over one-dimensional centres, used
 * only to break exact distance ties when there are ≥ 61 centres (spec Appendix B).
 */

/** Strict order of tree building: by value, then by index (spec B.1). */
function makeLess(c: readonly number[]): (a: number, b: number) => boolean {
  return (a, b) => c[a]! < c[b]! || (c[a] === c[b] && a < b);
}

/** libstdc++ `__adjust_heap` on `v[first … first+len)` with a max-heap under `less` (spec B.2). */
function siftDown(v: number[], first: number, len: number, hole: number, value: number, less: (a: number, b: number) => boolean): void {
  const top = hole;
  let child = hole;
  while (child < Math.floor((len - 1) / 2)) {
    child = 2 * (child + 1);
    if (less(v[first + child]!, v[first + child - 1]!)) child--;
    v[first + hole] = v[first + child]!;
    hole = child;
  }
  if ((len & 1) === 0 && child === (len - 2) / 2) {
    child = 2 * (child + 1);
    v[first + hole] = v[first + child - 1]!;
    hole = child - 1;
  }
  let parent = Math.floor((hole - 1) / 2);
  while (hole > top && less(v[first + parent]!, value)) {
    v[first + hole] = v[first + parent]!;
    hole = parent;
    parent = Math.floor((hole - 1) / 2);
  }
  v[first + hole] = value;
}

/** libstdc++ `__heap_select(first, middle, last)` (spec B.2). */
function heapSelect(v: number[], first: number, middle: number, last: number, less: (a: number, b: number) => boolean): void {
  const len = middle - first;
  if (len >= 2) {
    for (let p = Math.floor((len - 2) / 2); p >= 0; p--) siftDown(v, first, len, p, v[first + p]!, less);
  }
  for (let i = middle; i < last; i++) {
    if (less(v[i]!, v[first]!)) {
      const value = v[i]!;
      v[i] = v[first]!;
      siftDown(v, first, len, 0, value, less);
    }
  }
}

/** GCC's introselect `std::nth_element` (spec B.2). */
export function nthElement(v: number[], first: number, nth: number, last: number, less: (a: number, b: number) => boolean): void {
  if (first === last || nth === last) return;
  let depth = 2 * Math.floor(Math.log2(last - first));
  while (last - first > 3) {
    if (depth === 0) {
      heapSelect(v, first, nth + 1, last, less);
      const t = v[first]!;
      v[first] = v[nth]!;
      v[nth] = t;
      return;
    }
    depth--;
    const mid = first + Math.floor((last - first) / 2);
    const u = first + 1;
    const w = mid;
    const z = last - 1;
    let p: number;
    if (less(v[u]!, v[w]!)) p = less(v[w]!, v[z]!) ? w : less(v[u]!, v[z]!) ? z : u;
    else p = less(v[u]!, v[z]!) ? u : less(v[w]!, v[z]!) ? z : w;
    let t = v[first]!;
    v[first] = v[p]!;
    v[p] = t;
    const pivot = v[first]!;
    let lo = first + 1;
    let hi = last;
    for (;;) {
      while (less(v[lo]!, pivot)) lo++;
      hi--;
      while (less(pivot, v[hi]!)) hi--;
      if (!(lo < hi)) break;
      t = v[lo]!;
      v[lo] = v[hi]!;
      v[hi] = t;
      lo++;
    }
    if (lo <= nth) first = lo;
    else last = lo;
  }
  // insertion sort of the short rest
  for (let i = first + 1; i < last; i++) {
    const val = v[i]!;
    let j = i;
    while (j > first && less(val, v[j - 1]!)) {
      v[j] = v[j - 1]!;
      j--;
    }
    v[j] = val;
  }
}

/** A built KD-tree over one-dimensional points. */
export interface KdTree1d {
  readonly points: readonly number[];
  readonly idx: readonly number[];
  readonly nodeCount: number;
  readonly start: readonly number[];
  readonly end: readonly number[];
  readonly lo: readonly number[];
  readonly hi: readonly number[];
}

/**
 * Builds scikit-learn's KD-tree (leaf size 30) over `points` (spec B.1).
 *
 * @example
 * ```ts
 * buildKdTree1d([1, 2, 3]).nodeCount; // 1
 * ```
 */
export function buildKdTree1d(points: readonly number[]): KdTree1d {
  const k = points.length;
  const levels = Math.floor(Math.log2(Math.max(1, (k - 1) / 30))) + 1;
  const nodeCount = 2 ** levels - 1;
  const idx = Array.from({ length: k }, (_, i) => i);
  const start = new Array<number>(nodeCount).fill(0);
  const end = new Array<number>(nodeCount).fill(0);
  const lo = new Array<number>(nodeCount).fill(0);
  const hi = new Array<number>(nodeCount).fill(0);
  const less = makeLess(points);
  const build = (i: number, s: number, e: number): void => {
    start[i] = s;
    end[i] = e;
    let mn = Infinity;
    let mx = -Infinity;
    for (let q = s; q < e; q++) {
      const c = points[idx[q]!]!;
      if (c < mn) mn = c;
      if (c > mx) mx = c;
    }
    lo[i] = mn;
    hi[i] = mx;
    if (2 * i + 1 >= nodeCount) return;
    const h = Math.floor((e - s) / 2);
    nthElement(idx, s, s + h, e, less);
    build(2 * i + 1, s, s + h);
    build(2 * i + 2, s + h, e);
  };
  build(0, 0, k);
  return { points, idx, nodeCount, start, end, lo, hi };
}

function nodeBound(tree: KdTree1d, node: number, x: number): number {
  const a = tree.lo[node]! - x;
  const b = x - tree.hi[node]!;
  const g = a + Math.abs(a) + (b + Math.abs(b));
  const h = 0.5 * g;
  return h * h;
}

/**
 * Index of the nearest point to `x` in scikit-learn's depth-first query order (spec B.3): the
 * strict `<` in leaves decides exact ties.
 *
 * @example
 * ```ts
 * queryKdTree1d(buildKdTree1d([0, 2]), 1); // 0
 * ```
 */
export function queryKdTree1d(tree: KdTree1d, x: number): number {
  let best = Infinity;
  let bestIdx = -1;
  const visit = (node: number, bound: number): void => {
    if (bound > best) return;
    if (2 * node + 1 >= tree.nodeCount) {
      for (let q = tree.start[node]!; q < tree.end[node]!; q++) {
        const i = tree.idx[q]!;
        const diff = x - tree.points[i]!;
        const d = diff * diff;
        if (d < best) {
          best = d;
          bestIdx = i;
        }
      }
      return;
    }
    const l = 2 * node + 1;
    const r = l + 1;
    const bl = nodeBound(tree, l, x);
    const br = nodeBound(tree, r, x);
    if (bl <= br) {
      visit(l, bl);
      visit(r, br);
    } else {
      visit(r, br);
      visit(l, bl);
    }
  };
  visit(0, nodeBound(tree, 0, x));
  return bestIdx;
}
