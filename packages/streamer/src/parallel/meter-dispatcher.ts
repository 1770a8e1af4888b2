import type { DecodedPacket } from '@flowstream/core';
import { elapsedMs, isLaterTime, accountedSize } from '@flowstream/core/internal';
import { nfstreamPacketHash } from './flow-hash.js';
import type { PacketRingWriter } from './packet-ring.js';

/** Minimum meter-clock advance between two idle scans, in ms (spec §6.2 step 1; FlowMeter's value). */
const SCAN_INTERVAL_MS = 10;
/** Records per ring between two publishes (fewer atomics; still small enough to keep workers busy). */
const PUBLISH_EVERY = 2048;

/**
 * Spreads parsed packets over the meters (spec §7): meter `hash mod n` owns a packet; the others
 * see it only as a time ticker. Every meter sees every parsed packet, so all meters share one
 * clock and one scan schedule — which this class keeps. A ticker changes a meter's state only
 * when it runs the idle scan, so a meter is sent (a) its packets, with the clamped clock as their
 * time, and (b) a tick for each scan triggered by another meter's packet: exactly the state
 * changes NFStream's meter would make, at a fraction of the traffic.
 */
export class MeterDispatcher {
  /** The shared meter clock (spec §1.2 clamp), ms. */
  private clock = 0;
  private lastScan = 0;
  private readonly n: number;

  /**
   * @param writers one ring per meter.
   * @param full ship every packet field and the IP bytes (plugins or nDPI need them); otherwise
   *   compact records with only what the meter reads.
   * @param accountingMode the size compact records carry (spec §3).
   */
  constructor(
    private readonly writers: readonly PacketRingWriter[],
    private readonly full: boolean,
    private readonly accountingMode: number,
  ) {
    this.n = writers.length;
  }

  /** Flows wait in the workers, not here (see `PacketSink`). */
  readonly pendingFlows = 0;

  /** Sends a parsed packet to its meter (and scan ticks to the others when due). */
  process(p: DecodedPacket): void {
    let t = p.timeMs;
    if (isLaterTime(t, this.clock)) this.clock = t;
    else t = this.clock;
    const owner = nfstreamPacketHash(p) % this.n;
    const w = this.writers[owner]!;
    if (this.full) w.packet(p, t, true);
    else w.compactPacket(p, t, accountedSize(p, this.accountingMode));
    if (w.pending >= PUBLISH_EVERY) w.publish();
    if (elapsedMs(this.clock, this.lastScan) >= SCAN_INTERVAL_MS) {
      this.lastScan = this.clock;
      this.tickOthers(owner);
    }
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

  /** End of input: every meter flushes. */
  end(): void {
    for (const w of this.writers) w.end();
  }


  private tickOthers(owner: number): void {
    const writers = this.writers;
    for (let i = 0; i < writers.length; i++) {
      if (i === owner) continue;
      const w = writers[i]!;
      w.tick(this.clock);
      if (w.pending >= PUBLISH_EVERY) w.publish();
    }
  }
}
