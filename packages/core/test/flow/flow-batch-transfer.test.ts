import { describe, expect, it } from 'vitest';
import type { FieldSpec } from '../../src/flow/field-spec.js';
import { FlowBatch, type FlowColumn } from '../../src/flow/flow-batch.js';
import { AddressTexts } from '../../src/flow/flow-batch-writer.js';
import { batchMessage, BatchReceiver } from '../../src/flow/flow-batch-transfer.js';
import { flowKey, FlowKeyTexts } from '../../src/flow/flow-key.js';

// A snapshot batch's flow_key is made where the batch is read (the output thread), from the
// batch's key fields; a column selection that drops those fields must not make the sending
// thread compute every key.

function snapshotBatch() {
  const rows = [
    { src: 0x0a000001, dst: 0xc0a80101, sport: 51000, dport: 443, proto: 6, first: 1700000000123 },
    { src: 0x0a000002, dst: 0x08080808, sport: 53001, dport: 53, proto: 17, first: 1700000001456 },
    { src: 0x0a000003, dst: 0xc0a80102, sport: 40000, dport: 80, proto: 6, first: 1700000002789 },
  ];
  const n = rows.length;
  const words = new Uint32Array(n * 8);
  rows.forEach((r, i) => {
    words[i * 8] = r.src;
    words[i * 8 + 4] = r.dst;
  });
  const versions = new Uint8Array(n).fill(4);
  const num = (values: number[]): FlowColumn => ({ kind: 'number', values: Float64Array.from(values) });
  const fields: FieldSpec[] = [
    { name: 'flow_key', type: 'string' },
    { name: 'delta_bidirectional_bytes', type: 'int' },
    { name: 'src_ip', type: 'string' },
    { name: 'src_port', type: 'int' },
    { name: 'dst_ip', type: 'string' },
    { name: 'dst_port', type: 'int' },
    { name: 'protocol', type: 'int' },
    { name: 'vlan_id', type: 'int' },
    { name: 'bidirectional_first_seen_ms', type: 'uint64' },
  ];
  const columns: FlowColumn[] = [
    null!,
    num([100, 200, 300]),
    new AddressTexts(words, versions, n, 0),
    num(rows.map((r) => r.sport)),
    new AddressTexts(words, versions, n, 4),
    num(rows.map((r) => r.dport)),
    num(rows.map((r) => r.proto)),
    num([0, 0, 0]),
    num(rows.map((r) => r.first)),
  ];
  const key = new FlowKeyTexts(fields, columns, n);
  columns[0] = key;
  const expected = rows.map((r, i) =>
    flowKey({ src_ip: (columns[2] as AddressTexts).values[i], src_port: r.sport, dst_ip: (columns[4] as AddressTexts).values[i], dst_port: r.dport, protocol: r.proto, vlan_id: 0, bidirectional_first_seen_ms: r.first }),
  );
  return { batch: new FlowBatch(fields, columns, n), key, expected };
}

/** What the receiving thread gets (postMessage's structured clone). */
function sendAndReceive(batch: FlowBatch): FlowBatch {
  return new BatchReceiver().receive(structuredClone(batchMessage(batch)));
}

describe('batchMessage: flow_key', () => {
  it('travels as a marker and is made on the receiving side from the batch columns', () => {
    const { batch, key, expected } = snapshotBatch();
    const got = sendAndReceive(batch);
    expect(key.computed).toBe(false);
    expect(got.column('flow_key')!.values).toEqual(expected);
  });

  it('carries the key fields along when a column selection left them out', () => {
    const { batch, key, expected } = snapshotBatch();
    const selected = batch.withColumns([batch.fields[0]!, batch.fields[1]!], [batch.columns[0]!, batch.columns[1]!]);
    const got = sendAndReceive(selected);
    // the sender did not compute the keys row by row
    expect(key.computed).toBe(false);
    expect(got.fields.map((f) => f.name)).toEqual(['flow_key', 'delta_bidirectional_bytes']);
    expect(got.column('flow_key')!.values).toEqual(expected);
    expect(Array.from(got.column('delta_bidirectional_bytes')!.values as Float64Array)).toEqual([100, 200, 300]);
    // and the CSV path (hex written into the output buffer) agrees
    const buf = new Uint8Array(16);
    (got.column('flow_key') as FlowKeyTexts).writeHex(buf, 0, 2);
    expect(String.fromCharCode(...buf)).toBe(expected[2]);
  });

  it('a key read before the hand-over travels as its texts', () => {
    const { batch, key, expected } = snapshotBatch();
    expect(key.values).toEqual(expected);
    const selected = batch.withColumns([batch.fields[0]!], [batch.columns[0]!]);
    expect(sendAndReceive(selected).column('flow_key')!.values).toEqual(expected);
  });
});
