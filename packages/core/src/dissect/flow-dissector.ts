import type { DecodedPacket } from '../decode/decoded-packet.js';
import type { DissectionFields } from '../flow/flow-batch-writer.js';
import type { NFlow } from '../flow/nflow.js';

/**
 * Application detection attached to the flow meter (nDPI, spec §11). Flows are identified by
 * their flow-table slot, which is reused after the flow is emitted.
 */
export interface FlowDissector {
  /** First packet of a new flow stored at `slot`. */
  init(slot: number, packet: DecodedPacket): void;
  /** Every later packet; `flowPackets` = the flow's bidirectional packet count including it. */
  update(slot: number, packet: DecodedPacket, flowPackets: number): void;
  /**
   * At expiry: finish (give up if needed), write the nine fields into `flow`, free the slot. A
   * {@link deferred} dissector writes nothing here: its fields come with {@link settle}.
   */
  expire(slot: number, flow: NFlow): void;
  /** The nine fields as the detection stands now, without ending it (flow snapshots). */
  peek(slot: number, out: DissectionFields): void;
  /** Frees everything (end of run). */
  close(): void;
  /**
   * Whether later packets of the flow at `slot` can still change its fields (false once its
   * dissection is done): what a dissector in another thread tells the meter's thread, so that
   * packets it would ignore are not handed to it.
   */
  dissecting?(slot: number): boolean;
  /**
   * True for a dissector whose results come later than {@link expire} (it dissects in another
   * thread): the meter then asks for them with {@link settle} before a batch of flows leaves it,
   * and runs it only without plugins and snapshots (which read the fields at once).
   */
  readonly deferred?: boolean;
  /**
   * Deferred dissectors: the fields of the `count` earliest expired flows not settled yet, in
   * expiry order, each handed to `sink.write` (waits until they are known).
   */
  settle?(count: number, sink: DissectionSink): void;
  /**
   * Deferred dissectors: how many of the `max` earliest expired flows not settled yet have their
   * fields here already, so that {@link settle} of that many does not wait. With it, the meter
   * holds full batches back until their fields come, and meters on meanwhile (without it, it
   * settles each batch as it fills, waiting for the thread).
   */
  ready?(max: number): number;
}

/** Where a deferred dissector hands the fields of expired flows, in expiry order. */
export interface DissectionSink {
  write(fields: DissectionFields): void;
}
