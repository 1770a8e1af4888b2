import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { open } from 'node:fs/promises';
import { RecordBatchReader, type AsyncRecordBatchFileReader } from 'apache-arrow';
import { writeArrowFile } from '../../src/export/index.js';
import { FULL_FIELDS, cycle, fullFlowPool } from './helpers.js';

const gc = (globalThis as { gc?: () => void }).gc;

function used(): number {
  gc?.();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

it('writeArrowFile: 2 million flows with heap growth bounded by the batch size', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'flowstream-mem-'));
  const path = join(dir, 'big.arrow');
  const fields = FULL_FIELDS.filter((f) => !/_(min|mean|stddev|max)_|_(syn|cwr|ece|urg|ack|psh|rst|fin)_packets$/.test(f.name)); // 40 columns incl. SPLT
  const pool = fullFlowPool(32);
  const N = 2_000_000;
  const batchSize = 16384;
  const base = used();
  let peak = 0;
  const t0 = performance.now();
  const n = await writeArrowFile(cycle(pool, N, () => (peak = Math.max(peak, used() - base))), fields, path, { batchSize });
  const secs = (performance.now() - t0) / 1000;
  expect(n).toBe(N);
  const size = statSync(path).size;
  // One batch of 40 columns × 16384 rows is ≈ 10 MB (SPLT lists and strings included); the whole
  // file is ≈ 1 GB, so an export that kept flows or batches around would blow far past this.
  console.log(`arrow file: ${N} flows × ${fields.length} columns in ${secs.toFixed(2)} s = ${Math.round(N / secs)} flows/s, file ${(size / 2 ** 20).toFixed(0)} MiB, peak heap+buffers growth ${(peak / 2 ** 20).toFixed(1)} MiB (gc ${gc ? 'on' : 'off'})`);
  expect(peak).toBeLessThan(gc ? 120 * 2 ** 20 : 400 * 2 ** 20);
  expect(peak).toBeLessThan(size / 3);
  // Read back through the footer only (the file is too big to load whole in a test).
  const fh = await open(path);
  try {
    const reader = (await RecordBatchReader.from(fh)) as AsyncRecordBatchFileReader;
    await reader.open();
    expect(reader.numRecordBatches).toBe(Math.ceil(N / batchSize));
    const last = (await reader.readRecordBatch(reader.numRecordBatches - 1))!;
    expect(Number(last.getChild('id')!.get(last.numRows - 1))).toBe(N - 1);
  } finally {
    await fh.close();
  }
  rmSync(dir, { recursive: true, force: true });
});
