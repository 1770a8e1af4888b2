import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { finished } from 'node:stream/promises';
import { describe, expect, it } from 'vitest';
import { tableFromIPC } from 'apache-arrow';
import pl from 'nodejs-polars';
import * as pq from 'parquet-wasm';
import type { FieldSpec, NFlow } from '@flowstream/core';
import {
  FlowBatchBuilder,
  arrowSchemaFor,
  manifestMetadata,
  summaryPathFor,
  toArrowBatches,
  toArrowTable,
  toPolars,
  writeArrowFile,
  writeArrowStream,
  writeParquet,
} from '../../src/export/index.js';
import { FIELDS, makeFlow, sampleFlows } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'flowstream-export-'));
const MANIFEST = { flowstream: '0.1.0', parameters: { statisticalAnalysis: true, spltAnalysis: 6 }, plugins: [{ name: 'P', options: {} }], sources: [{ name: 'a.pcap', size: 123 }] };
const META = manifestMetadata(MANIFEST);

function expected(flow: NFlow, name: string): unknown {
  const v = name.startsWith('udps.') ? flow.udps[name.slice(5)] : (flow as unknown as Record<string, unknown>)[name];
  return v === undefined ? null : v;
}

/** Value-for-value comparison of a polars frame with the flows; floats bit-exact. */
function expectFrameEquals(df: pl.DataFrame, flows: readonly NFlow[], fields: readonly FieldSpec[]): void {
  expect(df.height).toBe(flows.length);
  expect(df.columns).toEqual(fields.map((f) => f.name));
  for (const f of fields) {
    const got = df.getColumn(f.name).toArray() as unknown[];
    flows.forEach((flow, i) => {
      const want = expected(flow, f.name);
      const have = got[i] ?? null;
      if (f.type === 'float' && typeof want === 'number') {
        expect(new Float64Array([have as number])).toEqual(new Float64Array([want]));
        expect(Object.is(have, want), `${f.name}[${i}] ${have} vs ${want}`).toBe(true);
      } else expect(have, `${f.name}[${i}]`).toEqual(want);
    });
  }
}

/** A writable whose bytes are read once the writer is done (the writer leaves it open). */
function collect(): { sink: PassThrough; bytes: () => Promise<Buffer> } {
  const sink = new PassThrough({ highWaterMark: 1024 });
  const parts: Buffer[] = [];
  sink.on('data', (c: Buffer) => parts.push(c));
  return {
    sink,
    bytes: async () => {
      sink.end();
      await finished(sink);
      return Buffer.concat(parts);
    },
  };
}

describe('Arrow schema', () => {
  it('exists before the first flow, with the documented types and metadata', () => {
    const s = arrowSchemaFor(FIELDS, META);
    const types = Object.fromEntries(s.fields.map((f) => [f.name, String(f.type)]));
    expect(types).toMatchObject({
      id: 'Int64',
      expiration_id: 'Int32',
      src_ip: 'Utf8',
      src_port: 'Uint16',
      protocol: 'Uint8',
      ip_version: 'Uint8',
      vlan_id: 'Uint16',
      bidirectional_first_seen_ms: 'Int64',
      bidirectional_mean_ps: 'Float64',
      splt_ps: 'List<Int32>',
      application_is_guessed: 'Uint8',
      'udps.count': 'Int64',
      'udps.names': 'List<Utf8>',
      'udps.flag': 'Bool',
    });
    expect(JSON.parse(s.metadata.get('flowstream')!)).toEqual(MANIFEST);
  });

  it('rejects unknown field types and duplicate names', () => {
    expect(() => arrowSchemaFor([{ name: 'x', type: 'date' as never }])).toThrow(/x: unknown FieldSpec type date/);
    expect(() => arrowSchemaFor([{ name: 'x', type: 'int' }, { name: 'x', type: 'int' }])).toThrow(/duplicate/);
  });
});

describe('empty exports are valid and typed', () => {
  it('Arrow file, read back with apache-arrow and polars', async () => {
    const path = join(dir, 'empty.arrow');
    expect(await writeArrowFile([], FIELDS, path, { metadata: META })).toBe(0);
    const t = tableFromIPC(readFileSync(path));
    expect(t.numRows).toBe(0);
    expect(t.schema.fields.map((f) => `${f.name}:${f.type}`)).toEqual(arrowSchemaFor(FIELDS).fields.map((f) => `${f.name}:${f.type}`));
    expect(JSON.parse(t.schema.metadata.get('flowstream')!)).toEqual(MANIFEST);
    const df = pl.readIPC(readFileSync(path));
    expect(df.height).toBe(0);
    expect(df.columns).toEqual(FIELDS.map((f) => f.name));
    expect(String(df.getColumn('src_port').dtype)).toContain('UInt16');
    expect(String(df.getColumn('splt_ps').dtype)).toContain('Int32');
  });

  it('Arrow stream and Parquet', async () => {
    const { sink, bytes } = collect();
    expect(await writeArrowStream([], FIELDS, sink)).toBe(0);
    const t = tableFromIPC(await bytes());
    expect(t.numRows).toBe(0);
    expect(t.schema.fields.length).toBe(FIELDS.length);

    const path = join(dir, 'empty.parquet');
    expect(await writeParquet([], FIELDS, path, { metadata: META, summary: () => ({ packets: 0 }) })).toBe(0);
    const df = pl.readParquet(readFileSync(path));
    expect(df.height).toBe(0);
    expect(df.columns).toEqual(FIELDS.map((f) => f.name));
    expect(String(df.getColumn('dst_port').dtype)).toContain('UInt16');
  });

  it('toArrowTable gives a typed empty table', async () => {
    const t = await toArrowTable([], FIELDS);
    expect(t.numRows).toBe(0);
    expect(t.schema.fields.length).toBe(FIELDS.length);
    const df = await toPolars(t);
    expect(df.columns.length).toBe(FIELDS.length);
  });
});

describe('round trips, value for value (read back by nodejs-polars)', () => {
  const flows = sampleFlows(50);

  it('Arrow IPC file, several batches, metadata and summary', async () => {
    const path = join(dir, 'flows.arrow');
    const n = await writeArrowFile(flows, FIELDS, path, { batchSize: 16, metadata: META, summary: () => ({ processed: 50 }) });
    expect(n).toBe(50);
    const t = tableFromIPC(readFileSync(path));
    expect(t.batches.length).toBe(4);
    expect(JSON.parse(t.schema.metadata.get('flowstream')!)).toEqual(MANIFEST);
    expectFrameEquals(pl.readIPC(readFileSync(path)), flows, FIELDS);
    expect(JSON.parse(readFileSync(summaryPathFor(path), 'utf8'))).toEqual({ processed: 50 });
  });

  it('Arrow IPC stream, from an async iterable', async () => {
    async function* gen() {
      for (const f of flows) yield f;
    }
    const { sink, bytes } = collect();
    expect(await writeArrowStream(gen(), FIELDS, sink, { batchSize: 7, metadata: META })).toBe(50);
    const buf = await bytes();
    expect(tableFromIPC(buf).schema.metadata.get('flowstream')).toBe(META.flowstream);
    expectFrameEquals(pl.readIPCStream(buf), flows, FIELDS);
  });

  it('Parquet, row groups, summary in the footer', async () => {
    const path = join(dir, 'flows.parquet');
    const summary = { processed: 50, ignored: { truncated_IP: 2 }, text: 'é'.repeat(100) };
    expect(await writeParquet(flows, FIELDS, path, { rowGroupSize: 16, metadata: META, summary: () => summary })).toBe(50);
    const bytes = readFileSync(path);
    expectFrameEquals(pl.readParquet(bytes), flows, FIELDS);
    const file = await pq.ParquetFile.fromFile(new Blob([bytes]));
    const meta = file.metadata();
    expect(meta.numRowGroups()).toBe(4);
    const kv = meta.fileMetadata().keyValueMetadata() as Map<string, string>;
    expect(JSON.parse(kv.get('flowstream')!)).toEqual(MANIFEST);
    expect(JSON.parse(kv.get('flowstream.summary')!)).toEqual(summary);
    expect(kv.has('ARROW:schema')).toBe(true);
  });

  it('toArrowBatches + toPolars', async () => {
    const batches = [];
    for await (const b of toArrowBatches(flows, FIELDS, { batchSize: 20 })) batches.push(b);
    expect(batches.map((b) => b.numRows)).toEqual([20, 20, 10]);
    expectFrameEquals(await toPolars(batches), flows, FIELDS);
  });
});

describe('plugin fields not declared in the schema', () => {
  const core = FIELDS.filter((f) => !f.name.startsWith('udps.'));

  it('are typed from the first batch, in order of appearance', async () => {
    const flows = [
      makeFlow({ id: 0 }, { a: 1, b: null, c: 'x' }),
      makeFlow({ id: 1 }, { a: 2.5, b: [1, 2], c: 'y', d: true }),
      makeFlow({ id: 2 }, { a: 3, b: [3], c: null, d: false }),
    ];
    const t = await toArrowTable(flows, core, { batchSize: 2 });
    const types = t.schema.fields.slice(core.length).map((f) => `${f.name}:${f.type}`);
    expect(types).toEqual(['udps.a:Float64', 'udps.b:List<Int64>', 'udps.c:Utf8', 'udps.d:Bool']);
    expect(t.getChild('udps.a')!.toArray()).toEqual(new Float64Array([1, 2.5, 3]));
    expect(t.getChild('udps.c')!.toJSON()).toEqual(['x', 'y', null]);
    expect(t.getChild('udps.d')!.toJSON()).toEqual([null, true, false]);
  });

  it('first seen after the first batch are dropped with one warning', () => {
    const warnings: string[] = [];
    const b = new FlowBatchBuilder(core, { batchSize: 1, onWarning: (m) => warnings.push(m) });
    b.add(makeFlow({ id: 0 }, {}));
    b.add(makeFlow({ id: 1 }, { late: 1 }));
    b.add(makeFlow({ id: 2 }, { late: 2 }));
    expect(warnings).toEqual([expect.stringContaining('udps.late')]);
    expect(b.schema.fields.length).toBe(core.length);
  });

  it('a value that does not fit its column fails with the column name', () => {
    const b = new FlowBatchBuilder([{ name: 'src_port', type: 'int' }, { name: 'udps.n', type: 'int' }]);
    expect(() => b.add(makeFlow({ src_port: 70000 }, {}, ['src_port']))).toThrow(/src_port.*Uint16/);
    const c = new FlowBatchBuilder([{ name: 'udps.n', type: 'int' }]);
    expect(() => c.add(makeFlow({}, { n: 1.5 }, []))).toThrow(/udps.n.*Int64/);
  });
});

it('Int64 columns keep negative and > 2^32 values exactly', async () => {
  const fields: FieldSpec[] = [{ name: 'udps.v', type: 'int' }];
  const vals = [0, -1, -(2 ** 31) - 1, 2 ** 32, -(2 ** 40) - 3, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER];
  const t = await toArrowTable(vals.map((v) => makeFlow({}, { v }, [])), fields);
  expect(Array.from(t.getChild('udps.v')!.toArray() as BigInt64Array, Number)).toEqual(vals);
});

it('writeArrowFile reports a failing source and leaves no half-open stream', async () => {
  function* bad() {
    yield sampleFlows(1)[0]!;
    throw new Error('capture broke');
  }
  await expect(writeArrowFile(bad(), FIELDS, join(dir, 'bad.arrow'))).rejects.toThrow('capture broke');
  expect(existsSync(summaryPathFor(join(dir, 'bad.arrow')))).toBe(false);
});
