import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { RecordBatchReader, Table, tableFromIPC } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { NFStreamer } from '@flowstream/streamer';
import { SPLT } from '@flowstream/plugins';
import { PCAPS } from './support/run-cli.js';
import { pcap as pcapFile } from '../../core/test/support/capture-builder.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'fs-exp-'));

/**
 * Every IPC stream of concatenated Arrow IPC streams, in order (apache-arrow's
 * `RecordBatchReader.readAll` throws at the end of such input instead of stopping).
 */
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

describe('NFStreamer export methods', () => {
  it('toArrow / toArrowBatches / toArrowFile / toArrowStream / toParquet / toJsonl / toPolars agree', async () => {
    const opts = { source: join(PCAPS, 'skype.pcap'), nDissections: 0, statisticalAnalysis: true, spltAnalysis: 10, udps: [new SPLT({ sequenceLength: 4 })] };
    const s = new NFStreamer(opts);
    const rows = [...s].map((f) => f.toJSON());
    const table = await s.toArrow();
    expect(table.numRows).toBe(rows.length);
    expect(table.schema.fields.map((f) => f.name)).toEqual(s.schema.map((f) => f.name));
    expect(JSON.parse(table.schema.metadata.get('flowstream')!).parameters.spltAnalysis).toBe(10);
    const row = table.get(7)!.toJSON() as Record<string, unknown>;
    expect(Number(row.bidirectional_bytes)).toBe(rows[7]!.bidirectional_bytes);
    expect([...(row.splt_ps as Iterable<number>)]).toEqual(rows[7]!.splt_ps);
    expect([...(row['udps.splt_ps'] as Iterable<bigint>)].map(Number)).toEqual(rows[7]!['udps.splt_ps']);
    let batched = 0;
    for await (const b of s.toArrowBatches({ batchSize: 100 })) batched += b.numRows;
    expect(batched).toBe(rows.length);
    const dir = tmp();
    expect(await s.toArrowFile(join(dir, 'f.arrow'))).toBe(rows.length);
    const file = tableFromIPC(readFileSync(join(dir, 'f.arrow')));
    expect(file.numRows).toBe(rows.length);
    // the summary travels in the footer's schema metadata, no file beside it any more
    const footer = JSON.parse(file.schema.metadata.get('flowstream.summary')!);
    expect(footer.flows).toBe(rows.length);
    expect(footer.packets.read).toBe(s.summary!.packets.read);
    expect(JSON.parse(file.schema.metadata.get('flowstream')!).sources[0].sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(existsSync(join(dir, 'f.arrow.summary.json'))).toBe(false);
    const pass = new PassThrough();
    const chunks: Buffer[] = [];
    pass.on('data', (c: Buffer) => chunks.push(c));
    expect(await s.toArrowStream(pass)).toBe(rows.length);
    // a reader stopping at the first end-of-stream gets the flows; the one-row summary stream follows
    const streams = ipcStreams(Buffer.concat(chunks));
    expect(streams.map((t) => t.numRows)).toEqual([rows.length, 1]);
    expect(JSON.parse(streams[1]!.getChild('summary')!.get(0)!).flows).toBe(rows.length);
    expect(await s.toParquet(join(dir, 'f.parquet'))).toBe(rows.length);
    expect(await s.toJsonl(join(dir, 'f.jsonl'))).toBe(rows.length);
    expect(readFileSync(join(dir, 'f.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l))).toEqual(rows);
    const df = await s.toPolars();
    expect(df.height).toBe(rows.length);
    expect(df.getColumn('bidirectional_packets').sum()).toBe(rows.reduce((a, r) => a + (r.bidirectional_packets as number), 0));
  });

  it('a capture without flows gives a valid, typed, empty Arrow file and Parquet file', async () => {
    const dir = tmp();
    const arp = new Uint8Array(60);
    arp.set([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0, 1, 2, 3, 4, 5, 0x08, 0x06], 0);
    const p = join(dir, 'arp.pcap');
    writeFileSync(p, pcapFile({ linkType: 1 }, [{ tsSec: 1, tsFrac: 0, data: arp }]));
    const s = new NFStreamer({ source: p, nDissections: 0, statisticalAnalysis: true });
    expect(await s.toArrowFile(join(dir, 'e.arrow'))).toBe(0);
    const t = tableFromIPC(readFileSync(join(dir, 'e.arrow')));
    expect(t.numRows).toBe(0);
    expect(t.schema.fields.length).toBe(s.schema.length);
    expect(String(t.schema.fields.find((f) => f.name === 'src2dst_mean_ps')!.type)).toBe('Float64');
    expect(JSON.parse(t.schema.metadata.get('flowstream.summary')!)).toMatchObject({ flows: 0, packets: { read: 1, ignored: 1 } });
    expect(await s.toParquet(join(dir, 'e.parquet'))).toBe(0);
    expect(existsSync(join(dir, 'e.parquet'))).toBe(true);
    const pl = await import('nodejs-polars');
    expect(pl.readParquet(readFileSync(join(dir, 'e.parquet'))).width).toBe(s.schema.length);
  });
});
