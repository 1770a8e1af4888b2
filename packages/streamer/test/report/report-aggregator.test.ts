import { describe, expect, it } from 'vitest';
import { FlowBatch, type FieldSpec, type FlowColumn } from '@flowstream/core';
import { reportData } from '@flowstream/streamer';
import { csvFields } from '../../src/report/flow-file-reader.js';
import { TopCounter } from '../../src/report/top-counter.js';

/** A batch of `n` synthetic flows: flow i from 10.x.y.z (i-th address) at t0 + i·stepMs, i+1 bytes. */
function batch(n: number, t0: number, stepMs: number, distinctSources = n): FlowBatch {
  const fields: FieldSpec[] = [
    { name: 'src_ip', type: 'string' },
    { name: 'dst_ip', type: 'string' },
    { name: 'protocol', type: 'int' },
    { name: 'dst_port', type: 'int' },
    { name: 'bidirectional_first_seen_ms', type: 'uint64' },
    { name: 'bidirectional_last_seen_ms', type: 'uint64' },
    { name: 'bidirectional_duration_ms', type: 'uint64' },
    { name: 'bidirectional_packets', type: 'int' },
    { name: 'bidirectional_bytes', type: 'int' },
  ];
  const src: string[] = [];
  const num = () => new Float64Array(n);
  const [proto, port, first, last, dur, packets, bytes] = [num(), num(), num(), num(), num(), num(), num()];
  for (let i = 0; i < n; i++) {
    const k = i % distinctSources;
    src.push(`10.${(k >> 16) & 255}.${(k >> 8) & 255}.${k & 255}`);
    proto[i] = 6;
    port[i] = 443;
    first[i] = t0 + i * stepMs;
    dur[i] = i;
    last[i] = first[i]! + i;
    packets[i] = 1 + (i % 7);
    bytes[i] = i + 1;
  }
  const columns: FlowColumn[] = [
    { kind: 'string', values: src },
    { kind: 'string', values: src.map(() => '192.0.2.1') },
    { kind: 'number', values: proto },
    { kind: 'number', values: port },
    { kind: 'number', values: first },
    { kind: 'number', values: last },
    { kind: 'number', values: dur },
    { kind: 'number', values: packets },
    { kind: 'number', values: bytes },
  ];
  return new FlowBatch(fields, columns, n);
}

describe('report aggregation', () => {
  it('counts exactly while keys fit, and stays bounded (marked approximate) past that', () => {
    const exact = new TopCounter(10);
    for (let i = 0; i < 15; i++) exact.add(`k${i}`, i, 1);
    expect(exact.exact).toBe(true);
    expect(exact.top(2, 'bytes').map((r) => r.key)).toEqual(['k14', 'k13']);

    const bounded = new TopCounter(100);
    for (let i = 0; i < 10_000; i++) bounded.add(`k${i}`, i, 1); // ever larger keys: the newest survive
    expect(bounded.size).toBeLessThanOrEqual(200);
    expect(bounded.exact).toBe(false);
    expect(bounded.top(3, 'bytes').map((r) => r.bytes)).toEqual([9999, 9998, 9997]);
  });

  it('buckets time adaptively, bins sizes on a log scale and keeps the largest flows', async () => {
    // 20 000 flows over ~5.5 hours in 2 batches, 5000 distinct sources
    const data = await reportData([batch(10_000, 1_700_000_000_000, 1000, 5000), batch(10_000, 1_700_010_000_000, 1000, 5000)], { largest: 50, buckets: 120 });
    expect(data.totals.flows).toBe(20_000);
    expect(data.totals.bytes).toBe(2 * ((10_000 * 10_001) / 2));
    const times = [...new Set(data.traffic.points.map((p) => p.t))];
    expect(times.length).toBeLessThanOrEqual(120);
    expect(data.traffic.bucketMs).toBe(600_000); // 20 000 s span: 10 min buckets
    expect(data.traffic.points.reduce((s, p) => s + p.flows, 0)).toBe(20_000);
    const bins = data.distributions.bytes.bins;
    expect(bins.reduce((s, b) => s + b.flows, 0)).toBe(20_000);
    for (const b of bins) expect(b.hi / b.lo).toBeCloseTo(10 ** 0.25, 9);
    expect(data.distributions.durationMs.zero).toBe(2); // i = 0 in each batch
    const bytesAt = data.largestFlows.columns.indexOf('bidirectional_bytes');
    expect(data.largestFlows.rows.map((r) => r[bytesAt])).toEqual([10_000, 10_000, 9999, 9999, 9998, 9998, ...Array.from({ length: 22 }, (_, i) => [9997 - i, 9997 - i]).flat()].slice(0, 50));
    expect(data.ports.byFlows).toEqual([{ key: 'tcp/443', bytes: data.totals.bytes, flows: 20_000, packets: data.totals.packets }]);
    expect(data.talkers.byFlows[0]).toMatchObject({ key: '192.0.2.1', flows: 20_000 });
    expect(data.applications).toBeNull();
  });

  it('splits NFStream CSV lines (quoted texts with \\" inside, unquoted numbers, empty = null)', () => {
    expect(csvFields('1,"a\\"b",,2.5,"[1, 2]"')).toEqual([1, 'a"b', null, 2.5, '[1, 2]']);
    expect(csvFields('"",0')).toEqual(['', 0]);
  });
});
