import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { tableFromIPC } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { NFStreamer } from '@flowstream/streamer';
import { SPLT } from '@flowstream/plugins';
import { PCAPS } from './support/run-cli.js';
import { pcap as pcapFile } from '../../core/test/support/capture-builder.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'fs-exp-'));

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
    expect(tableFromIPC(readFileSync(join(dir, 'f.arrow'))).numRows).toBe(rows.length);
    expect(JSON.parse(readFileSync(join(dir, 'f.arrow.summary.json'), 'utf8')).flows).toBe(rows.length);
    const pass = new PassThrough();
    const chunks: Buffer[] = [];
    pass.on('data', (c: Buffer) => chunks.push(c));
    expect(await s.toArrowStream(pass)).toBe(rows.length);
    expect(tableFromIPC(Buffer.concat(chunks)).numRows).toBe(rows.length);
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
    expect(await s.toParquet(join(dir, 'e.parquet'))).toBe(0);
    expect(existsSync(join(dir, 'e.parquet'))).toBe(true);
    const pl = await import('nodejs-polars');
    expect(pl.readParquet(readFileSync(join(dir, 'e.parquet'))).width).toBe(s.schema.length);
  });
});
