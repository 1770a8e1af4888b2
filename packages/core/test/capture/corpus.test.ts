import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { CaptureRecord } from '../../src/capture/capture-record.js';
import { openCapture } from '../../src/capture/open-capture.js';
import { ReadStatus } from '../../src/capture/read-status.js';
import { CORPUS, goldenRoot } from '../../../../test/support/paths.js';


const PCAPS = join(CORPUS, 'pcaps');



interface Row {
  file: string;
  format: string;
  byteOrder: string;
  precision: string;
  dlt: string;
  packets: number;
}

const rows: Row[] = readFileSync(join(CORPUS, 'capinfos.tsv'), 'utf8')
  .trim()
  .split('\n')
  .slice(1)
  .map((line) => {
    const f = line.split('\t');
    return { file: f[0]!, format: f[1]!, byteOrder: f[2]!, precision: f[3]!, dlt: f[4]!, packets: Number(f[6]) };
  });

function readTimes(path: string): { times: number[]; status: ReadStatus } {
  const reader = openCapture(path);
  const record = new CaptureRecord();
  const times: number[] = [];
  let status: ReadStatus;
  while ((status = reader.next(record)) === ReadStatus.Record) times.push(record.timeMs);
  reader.close();
  return { times, status };
}

describe('corpus conformance (capinfos.tsv)', () => {
  it('covers every capture of the corpus', () => {
    expect(rows.map((r) => r.file).sort()).toEqual(readdirSync(PCAPS).sort());
  });

  for (const row of rows) {
    it(row.file, () => {
      const reader = openCapture(join(PCAPS, row.file));
      const record = new CaptureRecord();
      let status: ReadStatus;
      while ((status = reader.next(record)) === ReadStatus.Record) expect(record.linkType).toBe(reader.dlt);
      expect(status).toBe(ReadStatus.End);
      expect(reader.error).toBeNull();
      expect(reader.truncatedAt).toBeNull();
      expect(reader.recordsRead).toBe(row.packets);
      expect(reader.format).toBe(row.format);
      expect(reader.bigEndian ? 'BE' : 'LE').toBe(row.byteOrder);
      expect(String(reader.dlt)).toBe(row.dlt.split(',')[0]);
      // capinfos lists several precisions in its own order; check the single-interface files.
      if (!row.precision.includes(',')) expect(reader.nanosecond ? 'ns' : 'us').toBe(row.precision);
      expect(reader.bytesRead).toBe(reader.size);
      reader.close();
    });
  }
});

describe('timeMs against NFStream (spec §1.2, §13)', () => {
  let GOLDEN = '';
  beforeAll(() => {
    GOLDEN = goldenRoot();
  });

  it('google_ssl.pcap starts at 1434443394683 and ends at 1434443401353', () => {
    const { times } = readTimes(join(PCAPS, 'google_ssl.pcap'));
    expect(times[0]).toBe(1434443394683);
    expect(times.at(-1)).toBe(1434443401353);
  });

  it('the fuzz capture keeps libpcap’s signed-fraction time', () => {
    expect(readTimes(join(PCAPS, 'fuzz-2021-06-07-c6c72a0a56.pcap')).times).toEqual([1953631155596]);
  });

  it('z3950.pcapng: both interfaces (ns and µs) give NFStream’s flow times', () => {
    const { times } = readTimes(join(PCAPS, 'z3950.pcapng'));
    expect(times).toContain(1623680697296);
    expect(times).toContain(1625070200217);
  });

  it('every first/last-seen time of NFStream’s flows is the timeMs of some record', () => {
    // Flow times are packet times after the meter's monotonic clamp; the clamp only reuses times
    // of earlier packets, so every value must appear among the records' timeMs.
    let checked = 0;
    for (const row of rows) {
      const lines = readFileSync(join(GOLDEN, 'golden/A/corpus', `${row.file}.out`), 'utf8').trim().split('\n');
      if (lines.length < 2) continue;
      const header = lines[0]!.split(',');
      const columns = ['bidirectional_first_seen_ms', 'bidirectional_last_seen_ms', 'src2dst_first_seen_ms'].map(
        (c) => header.indexOf(c),
      );
      const times = new Set(readTimes(join(PCAPS, row.file)).times);
      for (const line of lines.slice(1)) {
        const fields = line.split(','); // columns before these are numbers or quoted text without commas
        for (const c of columns) {
          const value = Number(fields[c]);
          if (!times.has(value)) expect.fail(`${row.file}: flow time ${value} is not a record time`);
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(10000);
  });
});
