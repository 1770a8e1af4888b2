import { describe, expect, it } from 'vitest';
import { SPLT } from '../src/index.js';
import { flow, packet } from './helpers/packets.js';

function feed(plugin: SPLT, sizes: { raw: number; ip: number; tr: number; pl: number; dir: number; dt: number }[]) {
  const f = flow();
  const mk = (s: (typeof sizes)[number]) =>
    packet({ raw_size: s.raw, ip_size: s.ip, transport_size: s.tr, payload_size: s.pl, direction: s.dir, delta_time: s.dt });
  plugin.onInit(mk(sizes[0]!), f);
  for (let i = 1; i < sizes.length; i++) {
    f.bidirectional_packets = i + 1;
    plugin.onUpdate(mk(sizes[i]!), f);
  }
  return f.udps;
}

const trace = [
  { raw: 60, ip: 46, tr: 26, pl: 6, dir: 0, dt: 0 },
  { raw: 70, ip: 56, tr: 36, pl: 16, dir: 1, dt: 5 },
  { raw: 80, ip: 66, tr: 46, pl: 26, dir: 0, dt: 7 },
];

describe('SPLT', () => {
  it('fills the first N packets and pads with -1', () => {
    const u = feed(new SPLT({ sequenceLength: 5 }), trace);
    expect(u.splt_direction).toEqual([0, 1, 0, -1, -1]);
    expect(u.splt_ps).toEqual([60, 70, 80, -1, -1]);
    expect(u.splt_piat_ms).toEqual([0, 5, 7, -1, -1]);
  });

  it('stops after N packets', () => {
    const u = feed(new SPLT({ sequenceLength: 2 }), trace);
    expect(u.splt_ps).toEqual([60, 70]);
    expect(u.splt_direction).toEqual([0, 1]);
  });

  it.each([
    [1, [46, 56, 66]],
    [2, [26, 36, 46]],
    [3, [6, 16, 26]],
  ])('accounting mode %i selects the size', (mode, expected) => {
    expect(feed(new SPLT({ sequenceLength: 3, accountingMode: mode }), trace).splt_ps).toEqual(expected);
  });

  it('has NFStream defaults and rejects bad options', () => {
    const p = new SPLT();
    expect([p.sequenceLength, p.accountingMode]).toEqual([5, 0]);
    expect(() => new SPLT({ sequenceLength: 0 })).toThrow(RangeError);
    expect(() => new SPLT({ accountingMode: 4 })).toThrow(/accountingMode/);
  });

  it('declares its three int[] columns', () => {
    expect(SPLT.fields.map((f) => [f.name, f.type])).toEqual([
      ['splt_direction', 'int[]'],
      ['splt_ps', 'int[]'],
      ['splt_piat_ms', 'int[]'],
    ]);
  });
});
