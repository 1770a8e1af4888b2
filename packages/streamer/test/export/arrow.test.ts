import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { finished } from 'node:stream/promises';
import { describe, expect, it } from 'vitest';
import { RecordBatchReader, Table, tableFromIPC } from 'apache-arrow';
import pl from 'nodejs-polars';
import * as pq from 'parquet-wasm';
import type { FieldSpec, FlowBatch, NFlow } from '@flowstream/core';
import { flowsToBatch } from '@flowstream/core/internal';
import { ArrowIpcSink, CsvSink, JsonlSink, NFStreamer, ParquetSink, SinkError, type FlowSink } from '@flowstream/streamer';
import { ArrowEncoder } from '../../src/sinks/arrow/arrow-encoder.js';
import { arrowSchemaFor } from '../../src/sinks/arrow/arrow-schema.js';
import { manifestMetadata } from '../../src/sinks/arrow/manifest-metadata.js';
import { toPolars } from '../../src/sinks/arrow/polars.js';
import { RotatingSink } from '../../src/sinks/files/rotating-sink.js';
import { pcap as pcapFile } from '../../../core/test/support/capture-builder.js';
import { PCAPS } from '../support/run-cli.js';
import { FIELDS, FINAL_MANIFEST, MANIFEST, batchesOf, makeFlow, sampleFlows, writeBatches } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'flowstream-export-'));
const META = manifestMetadata(MANIFEST);

function expected(flow: NFlow, name: string): unknown {
  const v = name.startsWith('udps.') ? flow.udps[name.slice(5)] : (flow as unknown as Record<string, unknown>)[name];
  return v === undefined ? null : v;
}

/** Value-for-value comparison of a polars frame with the flows; floats bit-exact, uint64 exact. */
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
      } else if (f.type === 'uint64') expect(BigInt(have as number | bigint), `${f.name}[${i}]`).toBe(BigInt(want as number));
      else expect(have, `${f.name}[${i}]`).toEqual(want);
    });
  }
}

/** A writable whose bytes are read once the sink is done (the sink leaves it open). */
function collect(): { out: PassThrough; bytes: () => Promise<Buffer> } {
  const out = new PassThrough({ highWaterMark: 1024 });
  const parts: Buffer[] = [];
  out.on('data', (c: Buffer) => parts.push(c));
  return {
    out,
    bytes: async () => {
      out.end();
      await finished(out);
      return Buffer.concat(parts);
    },
  };
}

/** Every IPC stream of concatenated Arrow IPC streams (apache-arrow's readAll throws at their end). */
function ipcStreams(bytes: Uint8Array): Table[] {
  const reader = RecordBatchReader.from(bytes);
  const tables: Table[] = [];
  reader.open({ autoDestroy: false });
  while (!reader.closed && reader.schema !== null) {
    tables.push(new Table(reader.schema, [...reader]));
    reader.reset();
    reader.open({ autoDestroy: false });
  }
  return tables;
}

/** The footer key-value metadata of a Parquet file. */
async function parquetMetadata(bytes: Buffer): Promise<{ kv: Map<string, string>; rowGroups: number }> {
  const file = await pq.ParquetFile.fromFile(new Blob([bytes]));
  const meta = file.metadata();
  return { kv: meta.fileMetadata().keyValueMetadata() as Map<string, string>, rowGroups: meta.numRowGroups() };
}

const { manifest: _m, ...SUMMARY_ONLY } = { processed: 50, ignored: { truncated_IP: 2 }, text: 'é'.repeat(100), manifest: null };

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
      bidirectional_first_seen_ms: 'Uint64',
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
  it('Arrow file, read back with apache-arrow and polars; manifest and summary in the footer', async () => {
    const path = join(dir, 'empty.arrow');
    expect(await writeBatches(new ArrowIpcSink(path, { stream: false }), [], { summary: { flows: 0 } })).toEqual({ flows: 0, files: [path] });
    const t = tableFromIPC(readFileSync(path));
    expect(t.numRows).toBe(0);
    expect(t.schema.fields.map((f) => `${f.name}:${f.type}`)).toEqual(arrowSchemaFor(FIELDS).fields.map((f) => `${f.name}:${f.type}`));
    expect(JSON.parse(t.schema.metadata.get('flowstream')!)).toEqual(FINAL_MANIFEST);
    expect(JSON.parse(t.schema.metadata.get('flowstream.summary')!)).toEqual({ flows: 0 });
    const df = pl.readIPC(readFileSync(path));
    expect(df.height).toBe(0);
    expect(df.columns).toEqual(FIELDS.map((f) => f.name));
    expect(String(df.getColumn('src_port').dtype)).toContain('UInt16');
    expect(String(df.getColumn('splt_ps').dtype)).toContain('Int32');
  });

  it('Arrow stream and Parquet', async () => {
    const { out, bytes } = collect();
    expect((await writeBatches(new ArrowIpcSink(out, { stream: true }), [])).flows).toBe(0);
    const t = tableFromIPC(await bytes());
    expect(t.numRows).toBe(0);
    expect(t.schema.fields.length).toBe(FIELDS.length);
    // with the run's summary: no second stream (tableFromIPC would read it as this one's batches), the schema holds it
    const summarized = collect();
    expect((await writeBatches(new ArrowIpcSink(summarized.out, { stream: true }), [], { summary: { flows: 0 } })).flows).toBe(0);
    const read = tableFromIPC(await summarized.bytes());
    expect(read.numRows).toBe(0);
    expect(read.schema.fields.length).toBe(FIELDS.length);
    expect(JSON.parse(read.schema.metadata.get('flowstream.summary')!)).toEqual({ flows: 0 });

    const path = join(dir, 'empty.parquet');
    expect(await writeBatches(new ParquetSink(path), [], { summary: { packets: 0 } })).toEqual({ flows: 0, files: [path] });
    const file = readFileSync(path);
    const df = pl.readParquet(file);
    expect(df.height).toBe(0);
    expect(df.columns).toEqual(FIELDS.map((f) => f.name));
    expect(String(df.getColumn('dst_port').dtype)).toContain('UInt16');
    expect(JSON.parse((await parquetMetadata(file)).kv.get('flowstream.summary')!)).toEqual({ packets: 0 });
  });

  it('a capture without flows: toArrow gives a typed empty table, toPolars a typed empty frame', async () => {
    const arp = new Uint8Array(60);
    arp.set([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0, 1, 2, 3, 4, 5, 0x08, 0x06], 0);
    const p = join(dir, 'arp.pcap');
    writeFileSync(p, pcapFile({ linkType: 1 }, [{ tsSec: 1, tsFrac: 0, data: arp }]));
    const s = new NFStreamer({ source: p, nDissections: 0, statisticalAnalysis: true });
    const t = await s.toArrow();
    expect(t.numRows).toBe(0);
    expect(t.schema.fields.map((f) => f.name)).toEqual(s.schema.map((f) => f.name));
    expect(String(t.schema.fields.find((f) => f.name === 'bidirectional_first_seen_ms')!.type)).toBe('Uint64');
    const df = await toPolars(t);
    expect(df.columns.length).toBe(s.schema.length);
    expect((await s.toPolars()).height).toBe(0);
  });
});

describe('round trips, value for value (read back by nodejs-polars)', () => {
  const flows = sampleFlows(50);

  it('Arrow IPC file: batches re-chunked to batchSize, complete manifest and summary in the footer', async () => {
    const path = join(dir, 'flows.arrow');
    // the meter's batches (13 rows) do not line up with the file's record batches (16 rows)
    const result = await writeBatches(new ArrowIpcSink(path, { stream: false, batchSize: 16 }), batchesOf(flows, 13), { summary: SUMMARY_ONLY });
    expect(result).toEqual({ flows: 50, files: [path] });
    const t = tableFromIPC(readFileSync(path));
    expect(t.batches.map((b) => b.numRows)).toEqual([16, 16, 16, 2]);
    // the footer carries the manifest completed at the end (input hashes, nDPI version) …
    expect(JSON.parse(t.schema.metadata.get('flowstream')!)).toEqual(FINAL_MANIFEST);
    // … and the summary, without its manifest (stored once, above)
    expect(JSON.parse(t.schema.metadata.get('flowstream.summary')!)).toEqual(SUMMARY_ONLY);
    expectFrameEquals(pl.readIPC(readFileSync(path)), flows, FIELDS);
    expect(readdirSync(dir).filter((f) => f.startsWith('flows.arrow'))).toEqual(['flows.arrow']);
  });

  it('Arrow IPC stream, from an async iterable: flows, then a one-row summary stream', async () => {
    async function* gen() {
      for (const b of batchesOf(flows, 11)) yield b;
    }
    const { out, bytes } = collect();
    expect((await writeBatches(new ArrowIpcSink(out, { stream: true, batchSize: 7 }), gen(), { summary: SUMMARY_ONLY })).flows).toBe(50);
    const buf = await bytes();
    const [data, closing] = ipcStreams(buf);
    // the stream's schema is sent first: it has the opening manifest
    expect(data!.schema.metadata.get('flowstream')).toBe(META.flowstream);
    expect(data!.batches.map((b) => b.numRows)).toEqual([7, 7, 7, 7, 7, 7, 7, 1]);
    expect(closing!.numRows).toBe(1);
    expect(JSON.parse(closing!.getChild('summary')!.get(0)!)).toEqual({ ...SUMMARY_ONLY, manifest: FINAL_MANIFEST });
    // readers that stop at the first end-of-stream see the flows only
    expect(tableFromIPC(buf).numRows).toBe(50);
    expectFrameEquals(pl.readIPCStream(buf), flows, FIELDS);
  });

  it('Parquet, row groups, complete manifest and summary in the footer', async () => {
    const path = join(dir, 'flows.parquet');
    expect(await writeBatches(new ParquetSink(path, { batchSize: 16 }), batchesOf(flows, 9), { summary: SUMMARY_ONLY })).toEqual({ flows: 50, files: [path] });
    const bytes = readFileSync(path);
    expectFrameEquals(pl.readParquet(bytes), flows, FIELDS);
    const { kv, rowGroups } = await parquetMetadata(bytes);
    expect(rowGroups).toBe(4);
    expect(JSON.parse(kv.get('flowstream')!)).toEqual(FINAL_MANIFEST);
    expect(JSON.parse(kv.get('flowstream.summary')!)).toEqual(SUMMARY_ONLY);
    expect(kv.has('ARROW:schema')).toBe(true);
  });

  it('Parquet: a file closed in the middle of a run (rotation) has the opening manifest and no summary', async () => {
    const path = join(dir, 'chunk.parquet');
    await writeBatches(new ParquetSink(path, { compression: 'snappy' }), batchesOf(flows, 50), { summary: null });
    const bytes = readFileSync(path);
    expectFrameEquals(pl.readParquet(bytes), flows, FIELDS);
    const { kv } = await parquetMetadata(bytes);
    expect(JSON.parse(kv.get('flowstream')!)).toEqual(MANIFEST);
    expect(kv.has('flowstream.summary')).toBe(false);
  });

  it('Arrow IPC file from a capture: record batches that share storage with the next-but-one hold the flows, as the stream does', async () => {
    const options = { source: join(PCAPS, '1kxun.pcap'), statisticalAnalysis: true, spltAnalysis: 4 };
    const path = join(dir, 'reused.arrow');
    // 7-row record batches: many alternations, and flow batches that straddle record batches
    await new NFStreamer(options).writeTo(new ArrowIpcSink(path, { stream: false, batchSize: 7 }));
    const { out, bytes } = collect();
    await new NFStreamer(options).writeTo(new ArrowIpcSink(out, { stream: true, batchSize: 7 }));
    const streamer = new NFStreamer(options);
    const captured = [...streamer];
    expect(captured.length).toBeGreaterThan(100);
    expectFrameEquals(pl.readIPC(readFileSync(path)), captured, streamer.schema);
    expectFrameEquals(pl.readIPCStream(await bytes()), captured, streamer.schema);
  });

  it('ArrowEncoder record batches (toArrowBatches) + toPolars', async () => {
    const enc = new ArrowEncoder(FIELDS, { batchSize: 20 });
    const batches = batchesOf(flows, 17).flatMap((b) => enc.add(b));
    batches.push(enc.finish()!);
    expect(batches.map((b) => b.numRows)).toEqual([20, 20, 10]);
    expect(enc.finish()).toBeNull();
    expectFrameEquals(await toPolars(batches), flows, FIELDS);
  });
});

describe('plugin fields not declared in the schema', () => {
  const core = FIELDS.filter((f) => !f.name.startsWith('udps.'));

  it('are typed from the first batch, in order of appearance', () => {
    const flows = [
      makeFlow({ id: 0 }, { a: 1, b: null, c: 'x' }),
      makeFlow({ id: 1 }, { a: 2.5, b: [1, 2], c: 'y', d: true }),
      makeFlow({ id: 2 }, { a: 3, b: [3], c: null, d: false }),
    ];
    const enc = new ArrowEncoder(core, { batchSize: 2 });
    const rbs = [...enc.add(flowsToBatch(core, flows.slice(0, 2))), ...enc.add(flowsToBatch(core, flows.slice(2)))];
    rbs.push(enc.finish()!);
    const t = new Table(rbs);
    const types = t.schema.fields.slice(core.length).map((f) => `${f.name}:${f.type}`);
    expect(types).toEqual(['udps.a:Float64', 'udps.b:List<Int64>', 'udps.c:Utf8', 'udps.d:Bool']);
    expect(t.getChild('udps.a')!.toArray()).toEqual(new Float64Array([1, 2.5, 3]));
    expect(t.getChild('udps.c')!.toJSON()).toEqual(['x', 'y', null]);
    expect(t.getChild('udps.d')!.toJSON()).toEqual([null, true, false]);
  });

  it('first seen after the first batch are dropped with one warning', () => {
    const warnings: string[] = [];
    const enc = new ArrowEncoder(core, { batchSize: 1, warn: (m) => warnings.push(m) });
    enc.add(flowsToBatch(core, [makeFlow({ id: 0 }, {})]));
    enc.add(flowsToBatch(core, [makeFlow({ id: 1 }, { late: 1 })]));
    enc.add(flowsToBatch(core, [makeFlow({ id: 2 }, { late: 2 })]));
    expect(warnings).toEqual([expect.stringContaining('udps.late')]);
    expect(enc.schema.fields.length).toBe(core.length);
  });

  it('a plugin value that does not fit its declared column fails with the column name', () => {
    const fields: FieldSpec[] = [{ name: 'udps.n', type: 'int' }];
    const enc = new ArrowEncoder(fields);
    expect(() => enc.add(flowsToBatch(fields, [makeFlow({}, { n: 1.5 }, [])]))).toThrow(/udps.n.*Int64/);
  });

  // narrow columns are copied in bulk, then checked: 70000 must not become 4464 silently
  it('a core value that does not fit its narrow column fails with the column name', () => {
    const fields: FieldSpec[] = [{ name: 'src_port', type: 'int' }];
    const enc = new ArrowEncoder(fields);
    expect(() => enc.add(flowsToBatch(fields, [makeFlow({ src_port: 70000 }, {}, ['src_port'])]))).toThrow(/src_port.*Uint16/);
  });
});

it('Int64 columns keep negative and > 2^32 values exactly', () => {
  const fields: FieldSpec[] = [{ name: 'udps.v', type: 'int' }];
  const vals = [0, -1, -(2 ** 31) - 1, 2 ** 32, -(2 ** 40) - 3, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER];
  const enc = new ArrowEncoder(fields);
  enc.add(flowsToBatch(fields, vals.map((v) => makeFlow({}, { v }, []))));
  const t = new Table([enc.finish()!]);
  expect(Array.from(t.getChild('udps.v')!.toArray() as BigInt64Array, Number)).toEqual(vals);
});

it('64-bit plugin values given as bigints: exact in Int64 and Uint64, refused where they would wrap, exact digits in JSON Lines', async () => {
  const signed: FieldSpec[] = [{ name: 'udps.v', type: 'int' }];
  const big = [2n ** 63n - 1n, -(2n ** 63n), 288230376151711745n];
  const enc = new ArrowEncoder(signed);
  enc.add(flowsToBatch(signed, big.map((v) => makeFlow({}, { v }, []))));
  expect(Array.from(new Table([enc.finish()!]).getChild('udps.v')!.toArray() as BigInt64Array)).toEqual(big);
  // 2^63 does not fit Int64: it was stored as -2^63
  const over = new ArrowEncoder(signed);
  expect(() => over.add(flowsToBatch(signed, [makeFlow({}, { v: 2n ** 63n }, [])]))).toThrow(/udps\.v: cannot store bigint 9223372036854775808 as Int64/);
  const unsigned: FieldSpec[] = [{ name: 'udps.u', type: 'uint64' }];
  const u = new ArrowEncoder(unsigned);
  u.add(flowsToBatch(unsigned, [makeFlow({}, { u: 2n ** 64n - 1n }, [])]));
  expect(Array.from(new Table([u.finish()!]).getChild('udps.u')!.toArray() as BigUint64Array)).toEqual([2n ** 64n - 1n]);
  // JSON Lines: the digits, not a double's
  const path = join(dir, 'big.jsonl');
  await writeBatches(new JsonlSink(path), [flowsToBatch(signed, [makeFlow({}, { v: 288230376151711745n }, [])])], { fields: signed });
  expect(readFileSync(path, 'utf8')).toBe('{"udps.v":288230376151711745}\n');
});

it('uint64 time columns keep wrapped (pre-1970) milliseconds exactly', async () => {
  const fields: FieldSpec[] = [{ name: 'bidirectional_first_seen_ms', type: 'uint64' }];
  // NFStream's uint64 ms of a timestamp before 1970 wraps: 2^64 − 1000 is kept, not rounded
  const wrapped = 2n ** 64n - 1000n;
  const batch = flowsToBatch(fields, [makeFlow({ bidirectional_first_seen_ms: 1472393122365 }, {}, []), makeFlow({ bidirectional_first_seen_ms: -1000 }, {}, [])]);
  const path = join(dir, 'wrapped.arrow');
  await writeBatches(new ArrowIpcSink(path, { stream: false }), [batch], { fields });
  const col = tableFromIPC(readFileSync(path)).getChild('bidirectional_first_seen_ms')!;
  expect(String(col.type)).toBe('Uint64');
  expect(Array.from(col.toArray() as BigUint64Array)).toEqual([1472393122365n, wrapped]);
});

describe('failures leave no file under the final name', () => {
  /** A sink that fails after its first batch reached the file (a full disk, a closed socket). */
  class FailingSink implements FlowSink {
    readonly target: string;
    aborted: Error | null = null;
    constructor(private readonly inner: FlowSink) {
      this.target = inner.target;
    }
    open(c: Parameters<FlowSink['open']>[0]) {
      return this.inner.open(c);
    }
    async write(b: FlowBatch) {
      await this.inner.write(b);
      throw new Error('disk full');
    }
    close(c: Parameters<FlowSink['close']>[0]) {
      return this.inner.close(c);
    }
    async abort(reason: Error) {
      this.aborted = reason;
      return this.inner.abort(reason);
    }
  }

  it('a failing sink stops the run with a SinkError naming the target; abort removes the partial file', async () => {
    const sub = mkdtempSync(join(dir, 'fail-'));
    const path = join(sub, 'bad.arrow');
    // batchSize 4: record batches reach the temporary file before the failure
    const sink = new FailingSink(new ArrowIpcSink(path, { stream: false, batchSize: 4 }));
    const s = new NFStreamer({ source: join(PCAPS, 'skype.pcap'), nDissections: 0 });
    const err = await s.writeTo(sink).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SinkError);
    // the error says what became of the flows: the unfinished file holds none of them
    const metered = s.summary!.flows;
    expect(metered).toBeGreaterThan(0);
    expect((err as SinkError).message).toBe(`${path}: disk full (none of the ${metered} flows metered is in the output: its unfinished file was removed)`);
    expect((err as SinkError).delivered).toEqual({ flows: 0, files: [] });
    expect(sink.aborted).not.toBeNull();
    expect(readdirSync(sub)).toEqual([]);
  });

  it('a rotated output that fails keeps its complete files, and its error says which flows they hold', async () => {
    const sub = mkdtempSync(join(dir, 'rotate-'));
    const chunk = (i: number) => join(sub, `flows.${i}.csv`);
    // the third chunk's sink fails at its first batch
    const sink = new RotatingSink(join(sub, 'flows.csv'), 50, chunk, (p) => (p === chunk(2) ? new FailingSink(new CsvSink(p)) : new CsvSink(p)));
    const s = new NFStreamer({ source: join(PCAPS, 'skype.pcap'), nDissections: 0 });
    const err = (await s.writeTo(sink).catch((e: unknown) => e)) as SinkError;
    expect(err).toBeInstanceOf(SinkError);
    expect(err.delivered).toEqual({ flows: 100, files: [chunk(0), chunk(1)] });
    expect(readdirSync(sub).sort()).toEqual(['flows.0.csv', 'flows.1.csv']);
    const rows = err.delivered!.files.map((f) => readFileSync(f, 'utf8').trimEnd().split('\n').length - 1);
    expect(rows).toEqual([50, 50]);
    const metered = s.summary!.flows;
    expect(metered).toBeGreaterThan(100);
    expect(err.message).toBe(
      `${join(sub, 'flows.csv')}: ${chunk(2)}: disk full (100 of the ${metered} flows metered are in the 2 complete files ${chunk(0)} … ${chunk(1)}; the other ${metered - 100} were not written)`,
    );
  });

  it('a corrupt capture: the error is thrown after the flows before it were written to a valid file', async () => {
    const sub = mkdtempSync(join(dir, 'corrupt-'));
    const bytes = Buffer.from(readFileSync(join(PCAPS, 'skype.pcap')));
    let off = 24;
    for (let i = 0; i < 1000; i++) off += 16 + bytes.readUInt32LE(off + 8);
    bytes.writeUInt32LE(0x7fffffff, off + 8);
    const bad = join(sub, 'bad.pcap');
    writeFileSync(bad, bytes);
    const path = join(sub, 'out.arrow');
    const s = new NFStreamer({ source: bad, nDissections: 0 });
    await expect(s.toArrowFile(path)).rejects.toThrow(new RegExp(`bad\\.pcap.*offset ${off}`));
    const t = tableFromIPC(readFileSync(path));
    expect(t.numRows).toBeGreaterThan(0);
    expect(t.numRows).toBe(s.summary!.flows);
    const packets = Array.from(t.getChild('bidirectional_packets')!.toArray() as BigInt64Array, Number).reduce((a, b) => a + b, 0);
    expect(packets).toBe(s.summary!.packets.processed);
    expect(JSON.parse(t.schema.metadata.get('flowstream.summary')!).sources[0].error).toMatch(/offset/);
    expect(readdirSync(sub).sort()).toEqual(['bad.pcap', 'out.arrow']);
    expect(existsSync(`${path}.summary.json`)).toBe(false);
  });
});
