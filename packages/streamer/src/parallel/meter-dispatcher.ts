import { IGNORE_REASON_NAMES, PacketDecoder, type CaptureRecord, type DecodedPacket, type FlowMeter } from '@flowstream/core';
import { elapsedMs, isLaterTime, type PacketSink } from '@flowstream/core/internal';
import type { MappedSegments } from './mapped-segments.js';
import type { PacketRingWriter } from './packet-ring.js';
import type { RecordRouter } from './record-router.js';
import type { SharedChunks } from './shared-chunks.js';

/** Minimum meter-clock advance between two idle scans, in ms (spec §6.2 step 1; FlowMeter's value). */
const SCAN_INTERVAL_MS = 10;
/** Records per ring between two publishes (fewer atomics and wake-ups; still keeps workers busy). */
const PUBLISH_EVERY = 4096;

/**
 * Where the main thread's capture pump puts packets with parallel meters (spec §7): the
 * {@link RecordRouter} settled each record in the decoder's place (accounted by the pump), and
 * this class hands each owned record to its meter. Meter 0 is {@link local}, in this thread: its
 * records are decoded here and metered at once. Meters 1 … n − 1 are workers. Where they never
 * read a packet's bytes (no nDPI, no plugins: `decodedPackets`), the router decoded every record
 * and each owned packet goes to its meter's ring as its fields (`RecordKind.Packet`). Otherwise
 * each owned record goes raw, as a reference when its bytes are where the worker can read them (a
 * mapped file's segment, or the shared chunk the reader read it into), else as a copy; the worker
 * decodes and meters it.
 *
 * Every meter must see every parsed packet as a time ticker, so all meters share one clock and
 * one scan schedule — which this class keeps. A ticker changes a meter's state only when it runs
 * the idle scan, so a meter is given (a) its records, with the clamped clock as their time, and
 * (b) a tick (a timestamp alone) for each scan triggered by another meter's packet: exactly the
 * state changes NFStream's meter would make, at a fraction of the traffic.
 *
 * Owners past the rings are meters of other processes reading the same capture (replicated
 * reading, see `meterShare`): their records only move the clock here.
 */
export class MeterDispatcher implements PacketSink {
  /** The shared meter clock (spec §1.2 clamp), ms. */
  private clock = 0;
  private lastScan = 0;
  private readonly decoder: PacketDecoder;
  /** Packets given to each meter of this process (meter 0 first): the performance report's balance. */
  readonly processed: Float64Array;

  /**
   * @param local meter 0, run in this thread.
   * @param writers the rings of meters 1 … n − 1, in meter order.
   * @param chunks the shared memory the readers read into: records there go by reference.
   * @param segments the mapped files' segments: records there go by reference too.
   * @param decodedPackets the router decodes every record (its `decodeEvery`): owned packets go as fields.
   */
  constructor(
    private readonly local: FlowMeter,
    private readonly writers: readonly PacketRingWriter[],
    private readonly router: RecordRouter,
    private readonly chunks: SharedChunks,
    private readonly segments: MappedSegments,
    decodeTunnels: boolean,
    private readonly decodedPackets: boolean,
  ) {
    this.decoder = new PacketDecoder({ decodeTunnels });
    this.processed = new Float64Array(writers.length + 1);
  }

  /** Flows the local meter emitted and the run did not take yet (the workers' wait in the workers). */
  get pendingFlows(): number {
    return this.local.pendingFlows;
  }

  /** A packet the router accepted: its record goes to the router's owner (`packet` is scratch space for meter 0). */
  process(packet: DecodedPacket, record: CaptureRecord): void {
    this.dispatch(record, packet, this.router.owner);
  }

  /** Live inputs: the wall clock moved to `nowMs` while no packet arrived. */
  advanceClock(nowMs: number): void {
    if (isLaterTime(nowMs, this.clock)) this.clock = nowMs;
    if (elapsedMs(this.clock, this.lastScan) >= SCAN_INTERVAL_MS) {
      this.lastScan = this.clock;
      this.tickOthers(-1);
    }
    this.publish();
  }

  /** Publishes every ring's pending records. */
  publish(): void {
    for (const w of this.writers) if (w.pending > 0) w.publish();
  }

  /** End of input: every worker meter flushes (the local meter is flushed by the run). */
  end(): void {
    for (const w of this.writers) w.end();
  }

  /** Gives an owned record to its meter, its time clamped to the shared clock (and scan ticks to the others when due). */
  private dispatch(rec: CaptureRecord, packet: DecodedPacket, owner: number): void {
    // the meter time (spec §1.2 clamp) goes where the meter reads it: the packet the router decoded,
    // or the record; kept in fields, never passed as a (boxed) argument
    const decoded = this.decodedPackets;
    if (decoded) {
      if (isLaterTime(packet.timeMs, this.clock)) this.clock = packet.timeMs;
      else packet.timeMs = this.clock;
    } else if (isLaterTime(rec.timeMs, this.clock)) this.clock = rec.timeMs;
    else rec.timeMs = this.clock;
    if (owner === 0) {
      if (!decoded) {
        const reason = this.decoder.decode(rec, packet);
        // the router settled this record with the same decoder: a disagreement is a bug, not input
        if (reason !== 0) throw new Error(`parallel meters: a record routed as a packet decodes as ${IGNORE_REASON_NAMES[reason]}`);
      }
      this.local.process(packet);
      this.processed[0]++;
    } else if (owner <= this.writers.length) {
      this.processed[owner]++;
      const w = this.writers[owner - 1]!;
      const data = rec.data;
      if (decoded) w.packet(packet);
      else if (data === this.segments.view) this.mappedFrame(w, rec);
      else {
        const chunk = this.chunks.chunkOf(data);
        if (chunk >= 0) w.sharedFrame(rec, chunk);
        else if (this.segments.enter(data)) this.mappedFrame(w, rec);
        else w.frame(rec);
      }
      if (w.pending >= PUBLISH_EVERY) w.publish();
    }
    if (elapsedMs(this.clock, this.lastScan) >= SCAN_INTERVAL_MS) {
      this.lastScan = this.clock;
      this.tickOthers(owner);
    }
  }

  /** A record in the current mapped segment goes to `w` (the pages before a mark every worker is past are given back: `MappedSegments`). */
  private mappedFrame(w: PacketRingWriter, rec: CaptureRecord): void {
    const segments = this.segments;
    if (rec.offset >= segments.nextMark) segments.mark(rec.offset);
    w.mappedFrame(rec, segments.view!, segments.address);
  }

  /** The shared clock ran a scan on meter `owner`'s packet (−1: on a wall-clock tick): the other meters scan too. */
  private tickOthers(owner: number): void {
    if (owner !== 0) this.local.tickPacket(this.clock);
    const writers = this.writers;
    for (let i = 0; i < writers.length; i++) {
      if (i === owner - 1) continue;
      const w = writers[i]!;
      w.tick(this.clock);
      if (w.pending >= PUBLISH_EVERY) w.publish();
    }
  }
}
