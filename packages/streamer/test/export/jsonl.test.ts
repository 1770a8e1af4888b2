import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { writeJsonl } from '../../src/export/index.js';
import { makeFlow, sampleFlows } from './helpers.js';

it('writes one JSON object per flow and line, NaN/Infinity as null', async () => {
  const path = join(mkdtempSync(join(tmpdir(), 'flowstream-jsonl-')), 'f.jsonl');
  const flows = sampleFlows(3000);
  flows.push(makeFlow({ id: 3000, bidirectional_mean_ps: NaN, bidirectional_stddev_ps: Infinity }, { x: -Infinity }));
  expect(await writeJsonl(flows, path)).toBe(3001);
  const lines = readFileSync(path, 'utf8').split('\n');
  expect(lines.pop()).toBe('');
  expect(lines).toHaveLength(3001);
  expect(JSON.parse(lines[1]!)).toEqual(JSON.parse(JSON.stringify(flows[1]!.toJSON())));
  expect(Object.keys(JSON.parse(lines[0]!))).toEqual(flows[0]!.keys());
  const last = JSON.parse(lines[3000]!);
  expect(last).toMatchObject({ id: 3000, bidirectional_mean_ps: null, bidirectional_stddev_ps: null, 'udps.x': null });
});
