import { DecodedPacket, type RunSummary } from '@flowstream/core';

/** Packets per batch by default. */
export const DEFAULT_BATCH_PACKETS = 4096;

/**
 * The running packet accounting of a {@link packets} source: every record read so far is
 * processed, ignored (with a reason) or filtered out, as in a run's summary.
 *
 * @example
 * ```ts
 * import { packets } from '@flowstream/streamer';
 *
 * packets('capture.pcap').subscribe((batch) => {
 *   const a = batch.accounting!;
 *   console.log(a.read, a.processed, a.summary(0).packets.ignoredByReason); // { non_ip: 12, … }
 * });
 * ```
 */
export interface PacketCounts {
  readonly read: number;
  readonly processed: number;
  readonly ignored: number;
  readonly filtered: number;
  /** The counts as a run summary gives them (ignored records by reason name, sources); `flows`: the flows to report. */
  summary(flows: number): RunSummary;
}

/**
 * A reusable batch of decoded packets, as {@link packets} emits them: `packets[0 … length)` are
 * valid until the observer's `next()` returns (the batch and its byte arena are then reused).
 * Copy what you keep (`batch.packets[i].data.slice(...)`).
 *
 * Frame bytes are copied into the batch's arena, so a packet's `data`/`ipOffset`/`ipLength` stay
 * valid for the whole batch even though the capture reader reuses its buffer.
 *
 * @example
 * ```ts
 * import { map } from 'rxjs';
 * import { meter, packets, type PacketBatch } from '@flowstream/streamer';
 *
 * // drops DNS packets before metering: packets after `length` are not read
 * function withoutDns(batch: PacketBatch): PacketBatch {
 *   let kept = 0;
 *   for (let i = 0; i < batch.length; i++) {
 *     const p = batch.packets[i]!;
 *     if (p.srcPort === 53 || p.dstPort === 53) continue;
 *     [batch.packets[kept], batch.packets[i]] = [p, batch.packets[kept]!];
 *     kept++;
 *   }
 *   batch.length = kept;
 *   return batch;
 * }
 * packets('capture.pcap').pipe(map(withoutDns), meter()).subscribe((flow) => console.log(flow.dst_port));
 * ```
 */
export class PacketBatch {
  length = 0;
  readonly packets: DecodedPacket[];
  /** Frame bytes of the batch's packets. */
  arena: Uint8Array;
  /** Bytes used in the arena. */
  used = 0;
  /** Running accounting of the source (read/processed/ignored per reason). */
  accounting: PacketCounts | null = null;

  constructor(readonly capacity: number = DEFAULT_BATCH_PACKETS) {
    this.packets = Array.from({ length: capacity }, () => new DecodedPacket());
    this.arena = new Uint8Array(capacity * 512);
  }

  /** Copies `bytes[from, from+len)` into the arena and returns the offset where they start. */
  copyIn(bytes: Uint8Array, from: number, len: number): number {
    if (this.used + len > this.arena.length) {
      const bigger = new Uint8Array(Math.max(this.arena.length * 2, this.used + len));
      bigger.set(this.arena.subarray(0, this.used));
      this.arena = bigger;
      // earlier packets of this batch point into the old arena: repoint them
      for (let i = 0; i < this.length; i++) this.packets[i]!.data = bigger;
    }
    const at = this.used;
    this.arena.set(bytes.subarray(from, from + len), at);
    this.used += len;
    return at;
  }

  /** Empties the batch for reuse. */
  reset(): void {
    this.length = 0;
    this.used = 0;
  }
}
