import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { open } from 'node:fs/promises';
import { RecordBatchReader, type AsyncRecordBatchFileReader } from 'apache-arrow';
import type { FieldSpec, FlowBatch, NFlow } from '@flowstream/core';
import { flowsToBatch } from '@flowstream/core/internal';
import { ArrowIpcSink } from '@flowstream/streamer';
import { FULL_FIELDS, fullFlowPool, writeBatches } from './helpers.js';

const gc = (globalThis as { gc?: () => void }).gc;

function used(): number {
  gc?.();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

/**
 * `n` flows as the meter hands them out: batches of `rows` flows, each a fresh batch (fresh typed
 * arrays and strings, as a run makes them), with ids 0…n−1. Nothing is kept once the consumer
 * moved on, so any growth is the sink's.
 */
function* meterLikeBatches(fields: readonly FieldSpec[], pool: NFlow[], n: number, onEvery: (row: number) => void): Generator<FlowBatch> {
  const rows = pool.length;
  for (let at = 0; at < n; at += rows) {
    const k = Math.min(rows, n - at);
    pool.forEach((f, i) => (f.id = at + i));
    if (at % 100_000 < rows) onEvery(at);
    yield flowsToBatch(fields, pool.slice(0, k));
  }
}

it('ArrowIpcSink: 2 million flows with heap growth bounded by the batch size', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'flowstream-mem-'));
  const path = join(dir, 'big.arrow');
  const fields = FULL_FIELDS.filter((f) => !/_(min|mean|stddev|max)_|_(syn|cwr|ece|urg|ack|psh|rst|fin)_packets$/.test(f.name)); // 40 columns incl. SPLT
  const N = 2_000_000;
  const batchSize = 16384;
  const pool = fullFlowPool(4096);
  const base = used();
  let peak = 0;
  const t0 = performance.now();
  // the meter's batches (4096 rows) are re-chunked into record batches of batchSize rows
  const batches = meterLikeBatches(fields, pool, N, () => (peak = Math.max(peak, used() - base)));
  const result = await writeBatches(new ArrowIpcSink(path, { stream: false, batchSize }), batches, { fields });
  const secs = (performance.now() - t0) / 1000;
  expect(result.flows).toBe(N);
  const size = statSync(path).size;
  // One batch of 40 columns × 16384 rows is ≈ 10 MB (SPLT lists and strings included); the whole
  // file is ≈ 1 GB, so an export that kept flows or batches around would blow far past this.
  console.log(`arrow file: ${N} flows × ${fields.length} columns in ${secs.toFixed(2)} s = ${Math.round(N / secs)} flows/s, file ${(size / 2 ** 20).toFixed(0)} MiB, peak heap+buffers growth ${(peak / 2 ** 20).toFixed(1)} MiB (gc ${gc ? 'on' : 'off'})`);
  expect(peak).toBeGreaterThan(0);
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
    expect(reader.schema.fields.length).toBe(fields.length);
  } finally {
    await fh.close();
  }
  rmSync(dir, { recursive: true, force: true });
});
