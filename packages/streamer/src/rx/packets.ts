import { Observable } from 'rxjs';
import { CaptureRecord, PacketDecoder, ReadStatus, type CaptureReader } from '@flowstream/core';
import { PacketAccounting, type RecordFilter } from '@flowstream/core/internal';
import type { RunInput } from '../run/meter-run.js';
import { fileInput, streamInput } from '../run/run-inputs.js';
import { DEFAULT_BATCH_PACKETS, PacketBatch } from './packet-batch.js';
import type { Readable } from 'node:stream';
import { extensions } from '../nfstreamer.js';

/** Options of {@link packets}. */
export interface PacketsOptions {
  /** Decode GTP-U/TZSP/CAPWAP (default true). */
  decodeTunnels?: boolean;
  /** BPF expression applied before decoding. */
  bpfFilter?: string | null;
  /** Packets per batch (default 4096). */
  batchSize?: number;
}

/**
 * The decoded packets of a capture (a file, a list of files read as one, `-`, or a readable) as
 * an Observable of reusable {@link PacketBatch}es: one `next()` per batch, not per packet.
 * Ignored frames are counted in `batch.accounting`, not emitted. Unsubscribing stops reading and
 * closes the source.
 *
 * @example
 * ```ts
 * packets('capture.pcap').pipe(meter({ statisticalAnalysis: true })).subscribe((flow) => console.log(flow.id));
 * ```
 */
export function packets(source: string | readonly string[] | Readable, options: PacketsOptions = {}): Observable<PacketBatch> {
  return new Observable<PacketBatch>((subscriber) => {
    const inputs: RunInput[] =
      typeof source === 'string'
        ? [source === '-' ? streamInput(process.stdin, 'stdin') : fileInput(source)]
        : Array.isArray(source)
          ? (source as readonly string[]).map((p) => fileInput(p))
          : [streamInput(source as Readable, 'stream')];
    const decoder = new PacketDecoder({ decodeTunnels: options.decodeTunnels ?? true });
    let filter: RecordFilter | null = null;
    if (options.bpfFilter) {
      if (!extensions.compileFilter) throw new Error('BPF filtering is not available in this build');
      filter = extensions.compileFilter(options.bpfFilter);
    }
    const accounting = new PacketAccounting();
    const batch = new PacketBatch(options.batchSize ?? DEFAULT_BATCH_PACKETS);
    batch.accounting = accounting;
    const record = new CaptureRecord();
    let closed = false;
    let reader: CaptureReader | null = null;

    const run = async () => {
      for (const input of inputs) {
        if (closed) break;
        reader = input.open();
        accounting.sources.push({ path: input.name, format: reader.format, linkType: reader.linkType, packetsRead: 0, error: null });
        for (;;) {
          if (closed) break;
          batch.reset();
          let status: ReadStatus = ReadStatus.Record;
          while (batch.length < batch.capacity) {
            status = reader.next(record);
            if (status !== ReadStatus.Record) break;
            accounting.read++;
            if (filter !== null && !filter.matches(record)) {
              accounting.filtered++;
              continue;
            }
            const pkt = batch.packets[batch.length]!;
            const reason = decoder.decode(record, pkt);
            if (reason !== 0) {
              accounting.ignored++;
              accounting.byReason[reason]!++;
              continue;
            }
            accounting.processed++;
            const at = batch.copyIn(record.data, record.offset, record.caplen);
            pkt.ipOffset = at + (pkt.ipOffset - record.offset);
            pkt.data = batch.arena;
            batch.length++;
          }
          if (batch.length > 0) subscriber.next(batch);
          if (status === ReadStatus.NeedMore) {
            await input.waitForData!();
            continue;
          }
          if (status !== ReadStatus.Record) break;
          await new Promise<void>((r) => setImmediate(r));
        }
        const src = accounting.sources[accounting.sources.length - 1]!;
        src.packetsRead = reader.recordsRead;
        if (reader.error !== null) {
          src.error = reader.error.message;
          reader.close();
          throw reader.error;
        }
        reader.close();
        reader = null;
      }
      if (!closed) subscriber.complete();
    };
    run().catch((err: unknown) => subscriber.error(err));
    return () => {
      closed = true;
      if (reader !== null) (reader as CaptureReader).close();
    };
  });
}
