import { CaptureRecord } from '../capture/capture-record.js';
import { FLOW_BATCH_ROWS } from '../flow/flow-batch-writer.js';
import type { CaptureReader } from '../capture/capture-reader.js';
import { ReadStatus } from '../capture/read-status.js';
import { DecodedPacket } from '../decode/decoded-packet.js';
import type { DecodedPacket as Packet } from '../decode/decoded-packet.js';

/**
 * What settles each record: the `PacketDecoder` (0 and `out` filled, or the reason the
 * frame is ignored), or the parallel run's router, which gives the decoder's answer without
 * filling `out` (its workers decode).
 */
export interface RecordDecoder {
  decode(record: CaptureRecord, out: Packet): number;
}

/**
 * Where the pump hands each processed packet (and the record it came from): the flow meter, or
 * the parallel run's dispatcher. `pendingFlows` lets the pump return early so flows are handed
 * out in small batches.
 */
export interface PacketSink {
  process(packet: Packet, record: CaptureRecord): void;
  readonly pendingFlows: number;
}
import type { PacketAccounting } from './packet-accounting.js';

/** A record filter (BPF) applied before decoding; rejected records are counted as `filtered`. */
export interface RecordFilter {
  matches(record: CaptureRecord): boolean;
}

/**
 * Flows a pump call may leave in the meter before it returns. Handing flows out in small batches
 * lets them die young: flows kept across young-generation collections are copied and promoted,
 * which made GC the main cost of exports.
 */
export const MAX_PENDING_FLOWS = FLOW_BATCH_ROWS;

/**
 * The packet loop: reader → (filter) → decoder → meter (or dispatcher), with every record accounted for. One
 * reusable record and packet; nothing allocated per packet. Callers run it in budgets so they can
 * hand emitted flows to consumers between batches.
 */
export class CapturePump {
  readonly record = new CaptureRecord();
  readonly packet = new DecodedPacket();

  constructor(
    private readonly decoder: RecordDecoder,
    private readonly sink: PacketSink,
    private readonly accounting: PacketAccounting,
    private readonly filter: RecordFilter | null = null,
  ) {}

  /**
   * Reads up to `budget` records, returning early once {@link MAX_PENDING_FLOWS} flows wait in the
   * meter. Returns `ReadStatus.Record` when it stopped for one of these reasons, else the reader's
   * status (End, Error or NeedMore). May throw a PluginError from the meter.
   */
  pump(reader: CaptureReader, budget: number): ReadStatus {
    const rec = this.record;
    const pkt = this.packet;
    const decoder = this.decoder;
    const sink = this.sink;
    const acc = this.accounting;
    const filter = this.filter;
    for (let i = 0; i < budget; i++) {
      const status = reader.next(rec);
      if (status !== ReadStatus.Record) return status;
      acc.read++;
      if (filter !== null && !filter.matches(rec)) {
        acc.filtered++;
        continue;
      }
      const reason = decoder.decode(rec, pkt);
      if (reason !== 0) {
        acc.ignored++;
        acc.byReason[reason]!++;
        continue;
      }
      acc.processed++;
      sink.process(pkt, rec);
      if (sink.pendingFlows >= MAX_PENDING_FLOWS) return ReadStatus.Record;
    }
    return ReadStatus.Record;
  }
}
