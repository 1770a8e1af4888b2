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
  /** At expiry: finish (give up if needed), write the nine fields into `flow`, free the slot. */
  expire(slot: number, flow: NFlow): void;
  /** The nine fields as the detection stands now, without ending it (flow snapshots). */
  peek(slot: number, out: DissectionFields): void;
  /** Frees everything (end of run). */
  close(): void;
}
