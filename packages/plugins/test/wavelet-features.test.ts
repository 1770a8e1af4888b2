import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { WFPlugin } from '../src/index.js';
import { waveletFieldNames } from '../src/wavelet-features.js';
import { haarSwt } from '../src/wavelet/haar-swt.js';
import { energyFeatures } from '../src/wavelet/energy-features.js';
import { flow, packet } from './helpers/packets.js';

/** Direct (O(N·2^j)) Haar SWT: a_j is a scaled circular window sum, d_j the difference of its halves. */
function directSwt(x: number[], levels: number): number[][] {
  const n = x.length;
  const window = (start: number, from: number, to: number) => {
    let s = 0;
    for (let m = from; m < to; m++) s += x[(start + m) % n]!;
    return s;
  };
  const out: number[][] = [];
  const approx = (j: number) => x.map((_, i) => window(i, 0, 2 ** j) / Math.sqrt(2 ** j));
  const detail = (j: number) =>
    x.map((_, i) => (window(i, 0, 2 ** (j - 1)) - window(i, 2 ** (j - 1), 2 ** j)) / Math.sqrt(2 ** j));
  out.push(approx(levels));
  for (let j = levels; j >= 1; j--) out.push(detail(j));
  return out;
}

function directFeatures(c: number[][]) {
  const sq = (v: number) => v * v;
  const E = c.map((v) => v.reduce((s, x) => s + sq(x), 0));
  const total = E.reduce((s, e) => s + e, 0);
  return c.map((v, k) => {
    const mean = v.reduce((s, x) => s + x, 0) / v.length;
    return {
      p: E[k]! / (total + 1e-7),
      u: v.reduce((s, x) => s + Math.abs(x), 0) / v.length,
      sigma: Math.sqrt(v.reduce((s, x) => s + sq(x - mean), 0) / v.length),
      S: -v.reduce((s, x) => s + (sq(x) / (E[k]! + 1e-7)) * Math.log(sq(x) / (E[k]! + 1e-7) + 1e-7), 0),
    };
  });
}

describe('stationary Haar transform', () => {
  it('matches the direct definition', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 5 }), fc.array(fc.integer({ min: 0, max: 1500 }), { minLength: 32, maxLength: 32 }), (levels, raw) => {
        const x = raw.slice(0, 2 ** levels);
        const got = haarSwt(x, levels).map((v) => Array.from(v));
        const want = directSwt(x, levels);
        expect(got.length).toBe(levels + 1);
        got.forEach((v, k) => v.forEach((value, i) => expect(value).toBeCloseTo(want[k]![i]!, 9)));
      }),
    );
  });

  it('hand-checked level-1 case', () => {
    const [a, d] = haarSwt([3, 1], 1);
    expect(Array.from(a!)).toEqual([4 * Math.SQRT1_2, 4 * Math.SQRT1_2]);
    expect(Array.from(d!)).toEqual([2 * Math.SQRT1_2, -2 * Math.SQRT1_2]);
  });
});

describe('WFPlugin', () => {
  it('bins ip_size per direction (first packet excluded) and outputs the energy features', () => {
    // activeTimeout 4 s, levels 2 ⇒ 4 bins of 1000 ms.
    const plugin = new WFPlugin({ activeTimeout: 4, levels: 2 });
    const f = flow();
    plugin.onInit(packet({ time: 10_000, ip_size: 999 }), f);
    const trace = [
      [10_500, 0, 100],
      [10_999, 1, 40],
      [11_000, 0, 60],
      [12_500, 0, 7],
      [13_999, 1, 1500],
    ] as const;
    for (const [time, direction, size] of trace) plugin.onUpdate(packet({ time, direction, ip_size: size }), f);
    plugin.onExpire(f);

    const expectedBins = { f: [100, 60, 7, 0], b: [40, 0, 0, 1500] };
    expect(Object.keys(f.udps)).toEqual(waveletFieldNames(2));
    expect(Object.keys(f.udps)).toHaveLength(8 * 3);
    for (const side of ['f', 'b'] as const) {
      const want = directFeatures(directSwt(expectedBins[side], 2));
      want.forEach((w, k) => {
        for (const feature of ['p', 'u', 'sigma', 'S'] as const) {
          expect(f.udps[`${side}_${feature}_k_${k}`] as number).toBeCloseTo(w[feature], 10);
        }
      });
    }
  });

  it('energyFeatures agrees with the direct formulas', () => {
    fc.assert(
      fc.property(fc.array(fc.array(fc.double({ min: -1e4, max: 1e4, noNaN: true }), { minLength: 4, maxLength: 4 }), { minLength: 1, maxLength: 4 }), (vectors) => {
        const got = energyFeatures(vectors.map((v) => Float64Array.from(v)));
        directFeatures(vectors).forEach((w, k) => {
          expect(got.p[k]).toBeCloseTo(w.p, 9);
          expect(got.u[k]).toBeCloseTo(w.u, 6);
          expect(got.sigma[k]).toBeCloseTo(w.sigma, 6);
          expect(got.S[k]).toBeCloseTo(w.S, 9);
        });
      }),
    );
  });

  it('declares float fields per instance, rejects a packet past the timeout and bad options', () => {
    const plugin = new WFPlugin({ activeTimeout: 1, levels: 1 });
    expect(plugin.fields.map((x) => x.name)).toEqual(waveletFieldNames(1));
    expect(plugin.fields.every((x) => x.type === 'float')).toBe(true);
    const f = flow();
    plugin.onInit(packet({ time: 0 }), f);
    expect(() => plugin.onUpdate(packet({ time: 1000 }), f)).toThrow(/activeTimeout/);
    expect(new WFPlugin({ levels: 2 }).activeTimeout).toBe(1800);
    expect(new WFPlugin().fields).toHaveLength(32); // levels 3 by default
    expect(() => new WFPlugin({ activeTimeout: 0 })).toThrow(/activeTimeout/);
    expect(() => new WFPlugin({ activeTimeout: 5, levels: -1 })).toThrow(/levels/);
  });
});
