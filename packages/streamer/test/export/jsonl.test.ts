import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { flowsToBatch } from '@flowstream/core/internal';
import { JsonlSink } from '@flowstream/streamer';
import { FIELDS, batchesOf, makeFlow, sampleFlows, writeBatches } from './helpers.js';

it('writes one JSON object per flow and line, NaN/Infinity as null, over several batches', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'flowstream-jsonl-'));
  const path = join(dir, 'f.jsonl');
  const flows = sampleFlows(3000);
  const odd = makeFlow({ id: 3000, bidirectional_mean_ps: NaN, bidirectional_stddev_ps: Infinity }, { x: -Infinity });
  // a later batch may carry a plugin field the first one did not have (udps.x)
  const batches = [...batchesOf(flows, 1024), flowsToBatch(FIELDS, [odd])];
  expect(await writeBatches(new JsonlSink(path), batches)).toEqual({ flows: 3001, files: [path] });
  expect(readdirSync(dir)).toEqual(['f.jsonl']);
  const lines = readFileSync(path, 'utf8').split('\n');
  expect(lines.pop()).toBe('');
  expect(lines).toHaveLength(3001);
  for (const i of [0, 1, 3, 1023, 1024, 2999]) expect(JSON.parse(lines[i]!), `line ${i}`).toEqual(JSON.parse(JSON.stringify(flows[i]!.toJSON())));
  expect(Object.keys(JSON.parse(lines[0]!))).toEqual(flows[0]!.keys());
  const last = JSON.parse(lines[3000]!);
  expect(last).toMatchObject({ id: 3000, bidirectional_mean_ps: null, bidirectional_stddev_ps: null, 'udps.x': null });
});

it('wrapped uint64 times are written exactly', async () => {
  const path = join(mkdtempSync(join(tmpdir(), 'flowstream-jsonl-')), 'w.jsonl');
  const fields = [{ name: 'bidirectional_first_seen_ms', type: 'uint64' as const }];
  await writeBatches(new JsonlSink(path), [flowsToBatch(fields, [makeFlow({ bidirectional_first_seen_ms: -1000 }, {}, [])])], { fields });
  expect(readFileSync(path, 'utf8')).toBe('{"bidirectional_first_seen_ms":18446744073709550616}\n');
});
