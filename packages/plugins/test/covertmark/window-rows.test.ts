import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tableFromIPC, tableToIPC, Type } from 'apache-arrow';
import { windowRowsSchema, windowStatsKeys, type WindowRow } from '@flowstream/plugins/covertmark';
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

});
