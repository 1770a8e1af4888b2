import { FlowMeter, openCapture, ReadStatus, type CaptureReader, type FlowBatch, type FlowDissector, type ResolvedMeteringOptions } from '@flowstream/core';
import { CapturePump, meterConfig, PacketAccounting } from '@flowstream/core/internal';
import { MappedSegments } from './mapped-segments.js';
import { meterBuckets } from './meter-buckets.js';
import { MeterDispatcher } from './meter-dispatcher.js';
import { RecordRouter } from './record-router.js';
import { SharedChunks } from './shared-chunks.js';

/** Records per pump call between two drains of the meter. */
const STEP = 8192;

/**
 * Meters share `share` of `shares` of the flows of `files` (read in turn as one capture) the way
 * one of `shares` fully independent meters would: it reads every record, routes it with NFStream's
 * hash and the parallel run's bucket table, and keeps the shared clock, but decodes and meters
 * only its share's records; the others only move the clock (their idle scans tick this meter
 * too). Its flows are exactly the single meter's flows of that share. `shares` such meters in
 * separate processes are parallel metering by replicated reading, with nothing crossing threads:
 * `scripts/bench-split.mjs` times it for `pnpm bench`, beside `nMeters` (one reader that hands
 * records over in shared memory).
 *
 * @returns the flows metered, and the first error of an input (a corrupt capture), if any.
 * @example
 * ```ts
 * const { flows } = meterShare(['capture.pcap'], 0, 2, resolveMeteringOptions({}), null, (b) => console.log(b.length));
 * ```
 */
export function meterShare(
  files: readonly string[],
  share: number,
  shares: number,
  options: ResolvedMeteringOptions,
  dissector: FlowDissector | null,
  onBatch: (batch: FlowBatch) => void,
): { flows: number; error: Error | null } {
  const meter = new FlowMeter(meterConfig(options, dissector, false));
  // the parallel run's table, relabelled so that this share is meter 0 (the local meter); the
  // other shares' owners have no ring here, so the dispatcher only moves the clock for them
  const table = meterBuckets(shares, 1 / shares).map((owner) => (owner - share + shares) % shares);
  const router = new RecordRouter(table, options.decodeTunnels);
  const dispatcher = new MeterDispatcher(meter, [], router, new SharedChunks([]), new MappedSegments([]), options.decodeTunnels, false);
  const pump = new CapturePump(router, dispatcher, new PacketAccounting(), null);
  let flows = 0;
  let error: Error | null = null;
  const drain = (batches: FlowBatch[]): void => {
    for (const b of batches) {
      flows += b.length;
      onBatch(b);
    }
  };
  for (const file of files) {
    let reader: CaptureReader;
    try {
      reader = openCapture(file);
    } catch (err) {
      error ??= err as Error;
      continue;
    }
    for (;;) {
      const status = pump.pump(reader, STEP);
      drain(meter.drainFullBatches());
      if (status === ReadStatus.Record) continue;
      if (status === ReadStatus.Error) error ??= reader.error;
      break;
    }
    reader.close();
  }
  meter.flush();
  drain(meter.drainBatches());
  meter.cleanup();
  return { flows, error };
}
