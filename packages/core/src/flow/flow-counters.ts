import { growFloat64, growInt32 } from '../meter/grow.js';

/**
 * Per-flow core accumulators of spec §5.1 (always maintained), in typed-array columns indexed by
 * flow-table slot: first/last seen, packets and bytes for the bidirectional, src2dst and dst2src
 * directions, the flow's MAC addresses and its expiration id.
 */
export class FlowCounters {
  biFirst: Float64Array;
  biLast: Float64Array;
  biPackets: Float64Array;
  biBytes: Float64Array;
  s2dFirst: Float64Array;
  s2dLast: Float64Array;
  s2dPackets: Float64Array;
  s2dBytes: Float64Array;
  d2sFirst: Float64Array;
  d2sLast: Float64Array;
  d2sPackets: Float64Array;
  d2sBytes: Float64Array;
  srcMac: Float64Array;
  dstMac: Float64Array;
  expirationId: Int32Array;

  constructor(capacity: number) {
    this.biFirst = new Float64Array(capacity);
    this.biLast = new Float64Array(capacity);
    this.biPackets = new Float64Array(capacity);
    this.biBytes = new Float64Array(capacity);
    this.s2dFirst = new Float64Array(capacity);
    this.s2dLast = new Float64Array(capacity);
    this.s2dPackets = new Float64Array(capacity);
    this.s2dBytes = new Float64Array(capacity);
    this.d2sFirst = new Float64Array(capacity);
    this.d2sLast = new Float64Array(capacity);
    this.d2sPackets = new Float64Array(capacity);
    this.d2sBytes = new Float64Array(capacity);
    this.srcMac = new Float64Array(capacity);
    this.dstMac = new Float64Array(capacity);
    this.expirationId = new Int32Array(capacity);
  }

  /** First packet of a flow (spec §5.1). */
  init(s: number, t: number, size: number, srcMac: number, dstMac: number): void {
    this.biFirst[s] = t;
    this.biLast[s] = t;
    this.biPackets[s] = 1;
    this.biBytes[s] = size;
    this.s2dFirst[s] = t;
    this.s2dLast[s] = t;
    this.s2dPackets[s] = 1;
    this.s2dBytes[s] = size;
    this.d2sFirst[s] = 0;
    this.d2sLast[s] = 0;
    this.d2sPackets[s] = 0;
    this.d2sBytes[s] = 0;
    this.srcMac[s] = srcMac;
    this.dstMac[s] = dstMac;
    this.expirationId[s] = 0;
  }

  /** A later packet (spec §5.1); call after the statistics read the previous last-seen times. */
  update(s: number, t: number, size: number, direction: number): void {
    this.biPackets[s]++;
    this.biLast[s] = t;
    this.biBytes[s] += size;
    if (direction === 0) {
      this.s2dPackets[s]++;
      this.s2dLast[s] = t;
      this.s2dBytes[s] += size;
    } else {
      if (this.d2sPackets[s] === 0) this.d2sFirst[s] = t;
      this.d2sPackets[s]++;
      this.d2sLast[s] = t;
      this.d2sBytes[s] += size;
    }
  }

  grow(capacity: number): void {
    this.biFirst = growFloat64(this.biFirst, capacity);
    this.biLast = growFloat64(this.biLast, capacity);
    this.biPackets = growFloat64(this.biPackets, capacity);
    this.biBytes = growFloat64(this.biBytes, capacity);
    this.s2dFirst = growFloat64(this.s2dFirst, capacity);
    this.s2dLast = growFloat64(this.s2dLast, capacity);
    this.s2dPackets = growFloat64(this.s2dPackets, capacity);
    this.s2dBytes = growFloat64(this.s2dBytes, capacity);
    this.d2sFirst = growFloat64(this.d2sFirst, capacity);
    this.d2sLast = growFloat64(this.d2sLast, capacity);
    this.d2sPackets = growFloat64(this.d2sPackets, capacity);
    this.d2sBytes = growFloat64(this.d2sBytes, capacity);
    this.srcMac = growFloat64(this.srcMac, capacity);
    this.dstMac = growFloat64(this.dstMac, capacity);
    this.expirationId = growInt32(this.expirationId, capacity);
  }
}
