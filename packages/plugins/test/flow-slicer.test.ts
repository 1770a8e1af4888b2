import { describe, expect, it } from 'vitest';
import { FlowSlicer } from '../src/index.js';
import { flow, packet } from './helpers/packets.js';

describe('FlowSlicer', () => {
  it('limit 1 expires the flow in onInit', () => {
    const f = flow();
    new FlowSlicer({ limit: 1 }).onInit(packet(), f);
    expect(f.expiration_id).toBe(-1);
  });

  it('expires exactly when the flow reaches the limit', () => {
    const slicer = new FlowSlicer({ limit: 3 });
    const f = flow();
    slicer.onInit(packet(), f);
    const seen: number[] = [];
    for (let n = 2; n <= 3; n++) {
      f.bidirectional_packets = n;
      slicer.onUpdate(packet(), f);
      seen.push(f.expiration_id);
    }
    expect(seen).toEqual([0, -1]);
  });

  it('keeps the option as a property, defaults to 10 and rejects a non-number', () => {
    expect(new FlowSlicer({ limit: 4 }).limit).toBe(4);
    expect(new FlowSlicer().limit).toBe(10);
    expect(() => new FlowSlicer({ limit: 'x' } as never)).toThrow(/limit/);
  });
});
