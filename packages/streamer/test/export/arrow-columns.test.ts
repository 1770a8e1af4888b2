// Arrow accumulators start at a batch's row count and grow when a plugin's values outrun it (list
// children always do): every kind keeps the rows written before it grew.
import { describe, expect, it } from 'vitest';
import { Bool, Field, Float64, Int32, Int64, List, makeVector, Uint8, Uint64, Utf8, type DataType } from 'apache-arrow';
import { makeColumn } from '../../src/sinks/arrow/arrow-columns.js';

function filled(type: DataType, values: unknown[], capacity: number): unknown[] {
  const column = makeColumn('c', type, capacity);
  values.forEach((v, i) => column.add(v, i));
  const out = makeVector(column.flush(values.length)).toArray() as ArrayLike<unknown>;
  return Array.from(out, (v) => (typeof v === 'bigint' ? Number(v) : v && typeof v === 'object' && 'toArray' in v ? Array.from((v as { toArray(): ArrayLike<unknown> }).toArray()) : v));
}

describe('Arrow column accumulators', () => {
  const rows = Array.from({ length: 37 }, (_, i) => i);
  it.each([
    ['float64', new Float64(), rows.map((i) => i / 4)],
    ['int32', new Int32(), rows.map((i) => 7 - i * 1000)],
    ['uint8', new Uint8(), rows.map((i) => i * 7)],
    ['int64', new Int64(), rows.map((i) => i * 2 ** 33 - 5)],
    ['uint64', new Uint64(), rows.map((i) => i * 2 ** 40)],
    ['bool', new Bool(), rows.map((i) => i % 3 === 0)],
    ['utf8', new Utf8(), rows.map((i) => `value ${i} ${'é'.repeat(i % 5)}`)],
  ] as const)('%s keeps every row across growth from a capacity of 2', (_name, type, values) => {
    expect(filled(type, [...values], 2)).toEqual([...values]);
  });

  it('a list column grows its offsets and its child', () => {
    const values = rows.map((i) => Array.from({ length: i % 6 }, (_, k) => i * 10 + k));
    expect(filled(new List(new Field('item', new Int32(), true)), values, 2)).toEqual(values);
  });

  it('64-bit columns refuse numbers they cannot hold instead of storing them wrapped', () => {
    const signed = makeColumn('count', new Int64(), 4);
    signed.add(-(2 ** 63), 0);
    signed.add(2 ** 63 - 1024, 1);
    expect(Array.from(makeVector(signed.flush(2)).toArray() as BigInt64Array)).toEqual([-(2n ** 63n), 2n ** 63n - 1024n]);
    expect(() => makeColumn('count', new Int64(), 4).add(2 ** 63, 0)).toThrow(/flow column count: cannot store number 9223372036854776000/);
    expect(() => makeColumn('count', new Int64(), 4).add(-(2 ** 64), 0)).toThrow(/flow column count/);
    const unsigned = makeColumn('last_seen', new Uint64(), 4);
    unsigned.add(2 ** 64 - 2048, 0);
    unsigned.add(-1, 1);
    expect(Array.from(makeVector(unsigned.flush(2)).toArray() as BigUint64Array)).toEqual([2n ** 64n - 2048n, 2n ** 64n - 1n]);
    expect(() => makeColumn('last_seen', new Uint64(), 4).add(2 ** 64, 0)).toThrow(/flow column last_seen/);
  });
});
