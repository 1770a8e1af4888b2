import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { FlowBatch, uint64Text, type FieldSpec, type FlowColumn } from '@flowstream/core';
import { TextCache } from '../../../core/src/flow/text-cache.js';
import { AddressTexts, MacTexts, macText, ouiText } from '@flowstream/core/internal';
import { CsvSink } from '@flowstream/streamer';
import { csvCell, quoteCell } from '../../src/sinks/csv/csv-cell.js';

const dir = mkdtempSync(join(tmpdir(), 'fs-csv-enc-'));

/** Values that take every branch of the byte encoder's number writers. */
// (2^31 and 13-digit times bound the integer writers the encoder calls without a float check)
const NUMBERS = [0, -0, 1, 9, 10, 99, 100, 2 ** 31 - 1, 2 ** 31, 4294967295, 4294967296, 999999999999, 1e12, 1000000000007, 1234500000000, 1700000000123, 9999999999999, 1e13, 2 ** 53, 2 ** 53 + 2, 1e21, -1, -4294967297, 0.5, -2.25, 1e-5, 1.5e16, 123456789.125, NaN, Infinity, -Infinity];
const TEXTS = ['', 'plain', 'with "quotes"', 'naïve ünïcode', '日本語 "x"', '\u{1F600}', null];

function batchOf(fields: FieldSpec[], columns: FlowColumn[], n: number): FlowBatch {
  return new FlowBatch(fields, columns, n);
}

async function csvOf(batches: FlowBatch[], stream = false): Promise<string> {
  if (stream) {
    const chunks: Buffer[] = [];
    const out = new Writable({
      write(chunk: Buffer, _e, done) {
        chunks.push(chunk);
        done();
      },
    });
    const sink = new CsvSink(out);
    for (const b of batches) await sink.write(b);
    await sink.close();
    return Buffer.concat(chunks).toString('utf8');
  }
  const path = join(dir, `${Math.random().toString(36).slice(2)}.csv`);
  const sink = new CsvSink(path);
  for (const b of batches) await sink.write(b);
  await sink.close();
  return readFileSync(path, 'utf8');
}

/** The reference: every cell through csvCell (spec §9.1), times through uint64Text. */
function expected(fields: FieldSpec[], batch: FlowBatch): string {
  let out = '';
  for (let i = 0; i < batch.length; i++) {
    out += `${fields
      .map((f, j) => {
        const v = batch.value(i, j);
        const c = batch.columns[j]!;
        if (f.type === 'uint64') return uint64Text((c.values as Float64Array)[i]!);
        if (c.kind === 'string') return v == null ? '' : quoteCell(v as string);
        return csvCell(v, f.type === 'float' || f.type === 'float[]');
      })
      .join(',')}\n`;
  }
  return out;
}

describe('CSV byte encoder', () => {
  it('writes every kind of cell exactly as the string forms of spec §9.1', async () => {
    const n = NUMBERS.length * TEXTS.length;
    const fields: FieldSpec[] = [
      { name: 'i', type: 'int', nullable: false },
      { name: 'f', type: 'float', nullable: false },
      { name: 't', type: 'uint64', nullable: false },
      { name: 's', type: 'string', nullable: true },
      { name: 'src_ip', type: 'string', nullable: false },
      { name: 'dst_ip', type: 'string', nullable: false },
      { name: 'src_mac', type: 'string', nullable: false },
      { name: 'src_oui', type: 'string', nullable: false },
      { name: 'splt', type: 'int[]', nullable: false },
      { name: 'udps.v', type: 'string', nullable: true, inferred: true },
      { name: 'udps.fl', type: 'float[]', nullable: true },
    ];
    const ints = new Float64Array(n);
    const floats = new Float64Array(n);
    const times = new Float64Array(n);
    const texts: (string | null)[] = [];
    const words = new Uint32Array(n * 8);
    const versions = new Uint8Array(n);
    const macs = new Float64Array(n * 2);
    const lists = new Int32Array(n * 3);
    const values: unknown[] = [];
    for (let i = 0; i < n; i++) {
      const x = NUMBERS[i % NUMBERS.length]!;
      ints[i] = x;
      floats[i] = x;
      times[i] = Number.isInteger(x) ? x : -1000 * i;
      texts.push(TEXTS[i % TEXTS.length]!);
      versions[i] = i % 3 === 0 ? 6 : 4;
      for (let w = 0; w < 8; w++) words[i * 8 + w] = i % 5 === 0 && w < 6 ? 0 : (Math.imul(i + 1, 0x9e3779b1 + w) >>> 0) & (i % 2 ? 0xffffffff : 0xff00ff);
      macs[i * 2] = (i * 0x10203040506) % 2 ** 48;
      lists.set([i % 2 ? -1 : 0, i, -i], i * 3);
      values.push([null, 'a"b', i, true, [1.5, 'x'], undefined][i % 6]);
    }
    const columns: FlowColumn[] = [
      { kind: 'number', values: ints },
      { kind: 'number', values: floats },
      { kind: 'number', values: times },
      { kind: 'string', values: texts },
      new AddressTexts(words, versions, n, 0),
      new AddressTexts(words, versions, n, 4),
      new MacTexts(macs, n, 0, new TextCache(macText)),
      new MacTexts(macs, n, 0, new TextCache(ouiText)),
      { kind: 'list', width: 3, values: lists },
      { kind: 'value', values },
      { kind: 'value', values: values.map((v, i) => (i % 2 ? [i, 0.5] : v)) },
    ];
    const batch = batchOf(fields, columns, n);
    const want = `${fields.map((f) => f.name).join(',')}\n${expected(fields, batch)}`;
    expect(await csvOf([batch])).toBe(want);
    expect(await csvOf([batch], true)).toBe(want);
  });

  it('a time past 2^53 ms is written as its value, as Arrow, Parquet and IPFIX carry it (not the shortest digits)', async () => {
    // 2^54 + 7 ms is held as the double 2^54 + 8; its shortest digits would be …990
    const v = 2 ** 54 + 7;
    expect(`${v}`).toBe('18014398509481990');
    expect(uint64Text(v)).toBe('18014398509481992');
    expect(BigInt(v)).toBe(18014398509481992n);
    const fields: FieldSpec[] = [{ name: 'bidirectional_first_seen_ms', type: 'uint64', nullable: false }];
    const batch = batchOf(fields, [{ kind: 'number', values: Float64Array.of(v, 2 ** 53, -1000) }], 3);
    expect(await csvOf([batch])).toBe('bidirectional_first_seen_ms\n18014398509481992\n9007199254740992\n18446744073709550616\n');
  });

  it('a row larger than the output buffer is written whole; rows around it stay in order', async () => {
    const big = `${'x'.repeat(1_500_000)}"é`;
    const fields: FieldSpec[] = [
      { name: 'id', type: 'int', nullable: false },
      { name: 's', type: 'string', nullable: true },
    ];
    const rows = 20_000;
    const texts = Array.from({ length: rows }, (_, i) => (i === 7000 ? big : `row ${i}`));
    const batch = batchOf(fields, [{ kind: 'number', values: Float64Array.from({ length: rows }, (_, i) => i) }, { kind: 'string', values: texts }], rows);
    const text = await csvOf([batch, batch]);
    const lines = text.split('\n');
    expect(lines).toHaveLength(2 * rows + 2);
    expect(lines[7001]).toBe(`7000,${quoteCell(big)}`);
    expect(lines[rows + 7001]).toBe(`7000,${quoteCell(big)}`);
    expect(text).toBe(`id,s\n${expected(fields, batch)}${expected(fields, batch)}`);
  });
});
