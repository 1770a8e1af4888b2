import { describe, expect, it } from 'vitest';
import type { FieldSpec } from '../../src/flow/field-spec.js';
import type { FlowColumn } from '../../src/flow/flow-batch.js';
import { AddressTexts } from '../../src/flow/flow-batch-writer.js';
import { flowKey, FlowKeyTexts } from '../../src/flow/flow-key.js';

// flow_key columns remember recent keys by their fields' values (snapshot rows repeat flows): the
// keys must stay those of flowKey() whatever the batches, their order and the way fields are read.

const ip4 = (a: number, b: number, c: number, d: number) => ((a << 24) | (b << 16) | (c << 8) | d) >>> 0;

interface Row {
  src: number;
  dst: number;
  sport: number;
  dport: number;
  proto: number;
  first: number;
  tunnel?: number;
}

/** A batch of key fields: `omit` drops columns (an absent field is read as nothing, `tunnel_id` as 0). */
function batch(rows: readonly Row[], omit: readonly string[] = [], tunnel = false) {
  const n = rows.length;
  const words = new Uint32Array(n * 8);
  const versions = new Uint8Array(n).fill(4);
  rows.forEach((r, i) => {
    words[i * 8] = r.src;
    words[i * 8 + 4] = r.dst;
  });
  const num = (f: (r: Row) => number): FlowColumn => ({ kind: 'number', values: Float64Array.from(rows, f) });
  const all: [FieldSpec, FlowColumn][] = [
    [{ name: 'src_ip', type: 'string' }, new AddressTexts(words, versions, n, 0)],
    [{ name: 'src_port', type: 'int' }, num((r) => r.sport)],
    [{ name: 'dst_ip', type: 'string' }, new AddressTexts(words, versions, n, 4)],
    [{ name: 'dst_port', type: 'int' }, num((r) => r.dport)],
    [{ name: 'protocol', type: 'int' }, num((r) => r.proto)],
    [{ name: 'vlan_id', type: 'int' }, num(() => 0)],
    ...(tunnel ? ([[{ name: 'tunnel_id', type: 'int' }, num((r) => r.tunnel ?? 0)]] as [FieldSpec, FlowColumn][]) : []),
    [{ name: 'bidirectional_first_seen_ms', type: 'uint64' }, num((r) => r.first)],
  ];
  const kept = all.filter(([f]) => !omit.includes(f.name));
  const fields = kept.map(([f]) => f);
  const columns = kept.map(([, c]) => c);
  const expected = rows.map((r) => {
    const rec: Record<string, string> = {};
    fields.forEach((f, j) => {
      const c = columns[j]!;
      rec[f.name] = c instanceof AddressTexts ? c.values[rows.indexOf(r)]! : String((c as { values: Float64Array }).values[rows.indexOf(r)]);
    });
    return flowKey(rec);
  });
  return { keys: () => new FlowKeyTexts(fields, columns, n), expected };
}

/** Row `i`'s key through the CSV path (hex digits written into a buffer). */
function hexOf(k: FlowKeyTexts, i: number): string {
  const buf = new Uint8Array(16);
  k.writeHex(buf, 0, i);
  return String.fromCharCode(...buf);
}

const ROWS: Row[] = Array.from({ length: 300 }, (_, i) => ({
  src: ip4(10, 0, i >> 8, i & 0xff),
  dst: ip4(192, 168, 1, (i * 7) & 0xff),
  sport: 40000 + i,
  dport: i % 3 === 0 ? 443 : 53,
  proto: i % 3 === 0 ? 6 : 17,
  first: 1700000000000 + i * 13,
  tunnel: i % 5,
}));

describe('flow_key of a batch', () => {
  it('repeated rows (later batches, both read paths) keep the keys flowKey() gives', () => {
    const b = batch(ROWS);
    for (let round = 0; round < 3; round++) {
      const viaBytes = b.keys();
      expect(ROWS.map((_, i) => hexOf(viaBytes, i))).toEqual(b.expected);
      expect(b.keys().values).toEqual(b.expected);
    }
  });

  it('the same values read another way give their own keys, in any order of batches', () => {
    // without src_port the text has an empty field where port 0 has `0` (the same values otherwise);
    // with tunnel_id 0 it has the same text as without the column
    const rows = ROWS.map((r, i) => (i % 2 === 0 ? { ...r, sport: 0 } : r));
    const plain = batch(rows);
    const noPort = batch(rows, ['src_port']);
    const tunnels = batch(rows, [], true);
    expect(noPort.expected[0]).not.toBe(plain.expected[0]);
    expect(tunnels.expected[0]).toBe(plain.expected[0]); // row 0: tunnel 0
    expect(tunnels.expected[1]).not.toBe(plain.expected[1]);
    const ks = [plain, noPort, tunnels].map((b) => ({ b, k: b.keys(), v: b.keys() }));
    for (let i = 0; i < rows.length; i++) {
      for (const { b, k } of ks) expect(hexOf(k, i)).toBe(b.expected[i]);
    }
    for (const { b, v } of ks.reverse()) expect(v.values).toEqual(b.expected);
  });
});
