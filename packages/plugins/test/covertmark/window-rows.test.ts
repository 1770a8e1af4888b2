import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tableFromIPC, tableToIPC, Type } from 'apache-arrow';
import {
  windowRowsFormatFromPath,
  windowRowsSchema,
  windowRowsToArrowTable,
  windowRowsToCsv,
  writeWindowRows,
  windowStatsKeys,
  type WindowRow,
} from '@flowstream/plugins/covertmark';
import { rng } from './packet-builder.js';

const dir = mkdtempSync(join(tmpdir(), 'covertmark-rows-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function sampleRows(selection: readonly string[] | null): WindowRow[] {
  const r = rng(7);
  const keys = windowStatsKeys(selection);
  return [0, 1, 2].map((i) => {
    const row: Record<string, number> = {
      flow_id: 1000 + i,
      window_index: i,
      first_packet_time: 1600000000.123456 + i,
      last_packet_time: 1600000001.654321 + i,
    };
    keys.forEach((k, j) => (row[k] = j % 7 === 0 ? 0 : j % 11 === 0 ? NaN : r() / 3));
    return row as WindowRow;
  });
}

describe('window rows', () => {
  it('schema: id columns then the statistic keys in CovertMark order', () => {
    const s = windowRowsSchema();
    expect(s.slice(0, 4)).toEqual([
      { name: 'flow_id', type: 'int' },
      { name: 'window_index', type: 'int' },
      { name: 'first_packet_time', type: 'float' },
      { name: 'last_packet_time', type: 'float' },
    ]);
    expect(s.slice(4).map((c) => c.name)).toEqual(windowStatsKeys(['entropy', 'psh', 'interval_bins', 'tcp_len_bins']));
    expect(s.length).toBe(4 + 47);
    expect(windowRowsSchema(null).length).toBe(4 + 55);
  });

  it.each([['sgd', undefined], ['all', null]] as const)('round-trips through Arrow IPC (%s)', (_n, selection) => {
    const rows = sampleRows(selection ?? null);
    const schema = windowRowsSchema(selection === undefined ? undefined : selection);
    const table = tableFromIPC(tableToIPC(windowRowsToArrowTable(rows, selection === undefined ? windowRowsSchema(null) : schema)));
    const names = table.schema.fields.map((f) => f.name);
    expect(names).toEqual(Object.keys(rows[0]!));
    expect(table.schema.fields[0]!.typeId).toBe(Type.Int);
    expect(table.schema.fields[4]!.typeId).toBe(Type.Float);
    expect(table.numRows).toBe(rows.length);
    rows.forEach((row, i) => {
      for (const name of names) {
        const v = table.getChild(name)!.get(i) as number | bigint;
        expect(typeof v === 'bigint' ? Number(v) : v).toEqual(row[name]);
      }
    });
  });

  it('writes CSV with quoted bin keys and shortest float text, and picks formats by extension', async () => {
    const rows = sampleRows(null);
    const path = join(dir, 'w.csv');
    await windowRowsToCsv(rows, path, windowRowsSchema(null));
    const lines = readFileSync(path, 'utf8').trimEnd().split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[0]).toContain('"bin_(0, 1000)_interval_up"');
    const header = parseCsvLine(lines[0]!);
    expect(header).toEqual(windowRowsSchema(null).map((c) => c.name));
    const first = parseCsvLine(lines[1]!);
    header.forEach((k, j) => expect(Number(first[j])).toEqual(rows[0]![k]));

    expect(windowRowsFormatFromPath('a/b.ARROW')).toBe('arrow');
    expect(windowRowsFormatFromPath('x.csv')).toBe('csv');
    expect(() => windowRowsFormatFromPath('x.json')).toThrow(RangeError);
    const arrowPath = join(dir, 'w.arrow');
    await writeWindowRows(rows, arrowPath);
    expect(tableFromIPC(readFileSync(arrowPath)).numRows).toBe(3);
  });

  it('keeps string columns as Utf8', () => {
    const t = windowRowsToArrowTable([{ segment: 0, client: '10.0.0.5/32', target: '1.2.3.4', window: 0, up_down_ratio: 1.5 }]);
    expect(t.schema.fields.map((f) => f.typeId)).toEqual([Type.Int, Type.Utf8, Type.Utf8, Type.Int, Type.Float]);
    expect(t.getChild('client')!.get(0)).toBe('10.0.0.5/32');
  });
});

function parseCsvLine(line: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i <= line.length) {
    if (line[i] === '"') {
      let s = '';
      i++;
      for (;;) {
        if (line[i] === '"' && line[i + 1] === '"') {
          s += '"';
          i += 2;
        } else if (line[i] === '"') {
          i++;
          break;
        } else s += line[i++];
      }
      out.push(s);
      i++;
    } else {
      const j = line.indexOf(',', i);
      const end = j < 0 ? line.length : j;
      out.push(line.slice(i, end));
      i = end + 1;
    }
  }
  return out;
}
