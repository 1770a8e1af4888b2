import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import pl from 'nodejs-polars';
import type { FieldSpec } from '@flowstream/core';
import { DHCP } from '@flowstream/plugins';
import { NFStreamer } from '../../src/nfstreamer.js';
import { manifestMetadata, summaryPathFor, writeArrowFile, writeParquet } from '../../src/export/index.js';
import { pythonFloat, pythonStr } from '../../src/export/python-format.js';
import { PCAPS } from '../../../../test/support/paths.js';

const CORPUS = PCAPS;
const dir = mkdtempSync(join(tmpdir(), 'flowstream-rt-'));

/** The CSV cell NFStream writes for a value read back from Arrow (spec §9.1). */
function csvCell(v: unknown, spec: FieldSpec): string {
  if (v === null || v === undefined) return '';
  if (spec.type === 'float') return pythonFloat(v as number);
  if (spec.type === 'int') return String(v);
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
      const n = streamer.toCsv(csvPath);
      const csv = readFileSync(csvPath, 'utf8').split('\n').slice(0, -1);
      const schema = streamer.schema;
      // The CSV header is the first flow's keys: plugin fields may be a subset of the schema.
      const header = csv[0]!.split(',');
      const cols = header.map((h) => schema.find((f) => f.name === h)!);

      const arrowPath = join(dir, `${file}.arrow`);
      expect(await writeArrowFile(streamer, schema, arrowPath, { batchSize: 50, metadata: manifestMetadata(streamer.manifest), summary: () => streamer.summary })).toBe(n);
      expect(csvFromFrame(pl.readIPC(readFileSync(arrowPath)), cols)).toEqual(csv);
      expect(JSON.parse(readFileSync(summaryPathFor(arrowPath), 'utf8'))).toEqual(JSON.parse(JSON.stringify(streamer.summary)));

      const pqPath = join(dir, `${file}.parquet`);
      expect(await writeParquet(streamer, schema, pqPath, { rowGroupSize: 50, metadata: manifestMetadata(streamer.manifest) })).toBe(n);
      expect(csvFromFrame(pl.readParquet(readFileSync(pqPath)), cols)).toEqual(csv);
    });
  }
});
