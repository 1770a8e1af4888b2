import { Observable } from 'rxjs';
import { PacketDecoder, ReadStatus, type CaptureRecord, type DecodedPacket } from '@flowstream/core';
import { CapturePump, PacketAccounting, type PacketSink, type RecordFilter } from '@flowstream/core/internal';
import type { RunInput } from '../run/run-input.js';
import { InputSequence } from '../run/input-sequence.js';
import { fileInput, pathInput, stdinInput, streamInput } from '../run/run-inputs.js';
import { DEFAULT_BATCH_PACKETS, PacketBatch } from './packet-batch.js';
import type { Readable } from 'node:stream';
import { extensions } from '../nfstreamer.js';

/** The pump's sink for {@link packets}: each decoded packet, with its frame bytes, into the batch. */
class BatchSink implements PacketSink {
  readonly pendingFlows = 0;
  record: CaptureRecord | null = null;
  constructor(private readonly batch: PacketBatch) {}

  process(p: DecodedPacket): void {
    const batch = this.batch;
    const record = this.record!;
    const slot = batch.packets[batch.length]!;
    slot.copyFrom(p);
    const at = batch.copyIn(record.data, record.offset, record.caplen);
    slot.ipOffset = at + (p.ipOffset - record.offset);
    slot.data = batch.arena;
    batch.length++;
  }
}

/**
 * Options of {@link packets}.
 *
 * @example
 * ```ts
 * import { packets, type PacketsOptions } from '@flowstream/streamer';
 *
 * const options: PacketsOptions = { bpfFilter: 'udp port 53', decodeTunnels: false, batchSize: 1024 };
 * packets('capture.pcap', options).subscribe((batch) => console.log(batch.length));
 * ```
 */
export interface PacketsOptions {
  /** Decode GTP-U/TZSP/CAPWAP (default true). */
  decodeTunnels?: boolean;
  /** BPF expression applied before decoding. */
  bpfFilter?: string | null;
  /** Packets per batch (default 4096). */
  batchSize?: number;
}

/**
 * The decoded packets of a capture (a file, a list of files read as one, `-`, a named pipe, or a
 * readable) as an Observable of reusable {@link PacketBatch}es: one `next()` per batch, not per packet.
 * Ignored frames are counted in `batch.accounting`, not emitted. Unsubscribing stops reading and
 * closes the source.
 *
 * @example
 * ```ts
 * import { meter, packets } from '@flowstream/streamer';
 *
 * packets('capture.pcap', { bpfFilter: 'tcp' }).pipe(meter({ statisticalAnalysis: true })).subscribe((flow) => console.log(flow.id));
 * packets('capture.pcap').subscribe((batch) => {
 *   for (let i = 0; i < batch.length; i++) console.log(batch.packets[i]!.timeMs, batch.packets[i]!.ipSize);
 * });
 * ```
 */
export function packets(source: string | readonly string[] | Readable, options: PacketsOptions = {}): Observable<PacketBatch> {
  return new Observable<PacketBatch>((subscriber) => {
    const inputs: RunInput[] =
      typeof source === 'string'
        ? [source === '-' ? stdinInput() : pathInput(source)]
        : Array.isArray(source)
          ? (source as readonly string[]).map((p) => fileInput(p))
          : [streamInput(source as Readable, 'stream')];
    let filter: RecordFilter | null = null;
    if (options.bpfFilter) {
      if (!extensions.compileFilter) throw new Error('BPF filtering is not available in this build');
      filter = extensions.compileFilter(options.bpfFilter);
    }
    const accounting = new PacketAccounting();
    const batch = new PacketBatch(options.batchSize ?? DEFAULT_BATCH_PACKETS);
    batch.accounting = accounting;
    const sink = new BatchSink(batch);
    // the CLI's packet loop (reader → filter → decoder), feeding the batch instead of a meter
    const pump = new CapturePump(new PacketDecoder({ decodeTunnels: options.decodeTunnels ?? true }), sink, accounting, filter);
    sink.record = pump.record;
    let error: Error | null = null;
    // a corrupt or missing input ends that input (recorded in the sources), the others are read; the
    // error is reported after every packet was delivered, as the streamer does
    const sources = new InputSequence(inputs, accounting, filter, (e) => {
      if (error === null) error = e;
    });
    let closed = false;

    const run = async () => {
      while (!closed) {
        if (sources.reader === null && !sources.openNext()) break;
        const reader = sources.reader!;
        batch.reset();
        // one slot per processed record: a budget of the batch's capacity cannot overflow it
        const status = sources.read(pump, batch.capacity);
        if (batch.length > 0) subscriber.next(batch);
        if (closed) break;
        if (status === ReadStatus.Record) {
          await new Promise<void>((r) => setImmediate(r));
        } else if (status === ReadStatus.NeedMore) {
          await sources.input!.waitForData!();
        } else {
          sources.close(status === ReadStatus.Error ? reader.error : null);
        }
      }
      sources.exhaust();
      if (closed) return;
      if (error !== null) subscriber.error(error);
      else subscriber.complete();
    };
    run().catch((err: unknown) => subscriber.error(err));
    return () => {
      closed = true;
      sources.exhaust();
    };
  });
}
