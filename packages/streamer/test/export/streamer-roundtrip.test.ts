import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tableFromIPC } from 'apache-arrow';
import pl from 'nodejs-polars';
import * as pq from 'parquet-wasm';
import type { FieldSpec } from '@flowstream/core';
import { DHCP } from '@flowstream/plugins';
import { NFStreamer } from '../../src/nfstreamer.js';
import { pythonFloat, pythonStr } from '../../src/sinks/csv/python-format.js';
import { PCAPS } from '../../../../test/support/paths.js';

const CORPUS = PCAPS;
const dir = mkdtempSync(join(tmpdir(), 'flowstream-rt-'));

/** The CSV cell NFStream writes for a value read back from Arrow (spec §9.1). */
function csvCell(v: unknown, spec: FieldSpec): string {
  if (v === null || v === undefined) return '';
  if (spec.type === 'float') return pythonFloat(v as number);
  if (spec.type === 'int' || spec.type === 'uint64') return String(v);
  if (spec.type === 'bool') return v ? 'True' : 'False';
  return `"${pythonStr(v, spec.type === 'float[]').replaceAll('"', '\\"')}"`;
}

function csvFromFrame(df: pl.DataFrame, schema: readonly FieldSpec[]): string[] {
  const cols = schema.map((f) => df.getColumn(f.name).toArray() as unknown[]);
  const lines = [schema.map((f) => f.name).join(',')];
  for (let i = 0; i < df.height; i++) lines.push(schema.map((f, j) => csvCell(cols[j]![i], f)).join(','));
  return lines;
}

describe('real streamer: Arrow/Parquet read back by polars equal the CSV export', () => {
  for (const file of ['443-curl.pcap', 'dhcp.pcap', '1kxun.pcap']) {
    it(file, async () => {
      const streamer = new NFStreamer({ source: join(CORPUS, file), statisticalAnalysis: true, spltAnalysis: 10, nDissections: 0, udps: [new DHCP()] });
      const csvPath = join(dir, `${file}.csv`);
      const n = await streamer.toCsv(csvPath);
      expect(n).toBe(streamer.summary!.flows);
      const csv = readFileSync(csvPath, 'utf8').split('\n').slice(0, -1);
      const schema = streamer.schema;
      // The CSV header is the first batch's columns: plugin fields may be a subset of the schema.
      const header = csv[0]!.split(',');
      const cols = header.map((h) => schema.find((f) => f.name === h)!);
      // The footer's summary and manifest are those of the run that wrote the file.
      const footer = (meta: Map<string, string>) => {
        const { manifest, ...summary } = JSON.parse(JSON.stringify(streamer.summary));
        expect(JSON.parse(meta.get('flowstream.summary')!)).toEqual(summary);
        expect(JSON.parse(meta.get('flowstream')!)).toEqual(manifest);
        expect(manifest.sources[0].sha256).toMatch(/^[0-9a-f]{64}$/);
      };

      const arrowPath = join(dir, `${file}.arrow`);
      expect(await streamer.export('arrow', arrowPath, { batchSize: 50 }).then((r) => r.flows)).toBe(n);
      expect(csvFromFrame(pl.readIPC(readFileSync(arrowPath)), cols)).toEqual(csv);
      footer(tableFromIPC(readFileSync(arrowPath)).schema.metadata);

      const pqPath = join(dir, `${file}.parquet`);
      expect(await streamer.toParquet(pqPath, { batchSize: 50 })).toBe(n);
      const bytes = readFileSync(pqPath);
      expect(csvFromFrame(pl.readParquet(bytes), cols)).toEqual(csv);
      const meta = (await pq.ParquetFile.fromFile(new Blob([bytes]))).metadata();
      expect(meta.numRowGroups()).toBe(Math.max(1, Math.ceil(n / 50)));
      footer(meta.fileMetadata().keyValueMetadata() as Map<string, string>);
    });
  }
});
