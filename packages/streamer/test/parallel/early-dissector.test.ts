import { describe, expect, it } from 'vitest';
import { loadNdpi } from '@flowstream/core';
import { prepareDissector, takeEarlyDissector } from '../../src/parallel/early-dissector.js';

const NDPI = !(loadNdpi() instanceof Error);

describe.skipIf(!NDPI && process.env.CI !== 'true')('nDPI built ahead by a worker started before its run', () => {
  it('is handed to a run with the same nDissections, once', () => {
    prepareDissector(20);
    const d = takeEarlyDissector(20);
    expect(d).not.toBeNull();
    expect(d!.dissecting!(0)).toBe(false);
    d!.close();
    expect(takeEarlyDissector(20)).toBeNull();
  });

  it('is closed, not handed out, for a run with another nDissections, and none is built for a value no dissector takes', () => {
    prepareDissector(20);
    expect(takeEarlyDissector(5)).toBeNull();
    expect(takeEarlyDissector(20)).toBeNull();
    for (const hint of [0, 256, 2.5, '20', undefined, null]) {
      prepareDissector(hint);
      expect(takeEarlyDissector(typeof hint === 'number' ? hint : 20)).toBeNull();
    }
  });
});
