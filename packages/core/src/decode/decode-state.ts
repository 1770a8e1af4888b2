const EMPTY = new Uint8Array(0);

/**
 * The decoder's per-packet working state (spec §1.3), one reusable monomorphic instance.
 *
 * Offsets are absolute positions in {@link data} (the record's buffer), so `end` plays the role
 * of NFStream's `caplen`: `caplen < x + n` becomes `end < x + n` for any frame-relative `x`.
 * Fields other than the frame bounds are *not* reset when a tunnel restarts an earlier stage
 * (spec §1.3, §1.7), exactly like the engine's local variables.
 */
export class DecodeState {
  /** Frame bytes (the record's buffer). */
  data: Uint8Array = EMPTY;
  /** Absolute position of the frame's first byte. */
  base = 0;
  /** Absolute position one past the last captured byte (base + caplen). */
  end = 0;
  /** DLT the link stage switches on (also used again after a TZSP restart). */
  linkType = 0;

  /** Start of the (possibly TZSP-inner) link header. */
  linkOffset = 0;
  /** Start of the current network header candidate. */
  ipOffset = 0;
  /** Ethertype-like value driving stage 2 and the frag_off/proto refresh of stage 3. */
  type = 0;
  /** 802.3 length field (non-zero ⇒ LLC examined); engine variable, not reset on restart. */
  ethPayloadLength = 0;
  vlanId = 0;
  tunnelId = 0;
  /** IPv4 frag_off / protocol as maintained by stage 3 (refreshed only when type is 0x0800). */
  fragOff = 0;
  proto = 0;
  /** IPv4: header length; IPv6: L4 length after extension headers (spec §1.7 offset quirk). */
  ipLength = 0;
  srcMac = 0;
  dstMac = 0;
  /** Set by PPP/C_HDLC when `FF 03` framing made the IP header start 2 bytes early (§1.4). */
  misframedPpp = false;

  /** Outputs of the IPv6 extension-header walk (see `walkIpv6ExtensionHeaders`). */
  extPointer = 0;
  extRemaining = 0;
  extProto = 0;

  /** Stage 5: absolute start and length of the L4 header (spec §1.8). */
  l4Offset = 0;
  l4Length = 0;

  /** Prepares the state for a new frame (spec §1.3 initial values). */
  reset(data: Uint8Array, base: number, caplen: number, linkType: number): void {
    this.data = data;
    this.base = base;
    this.end = base + caplen;
    this.linkType = linkType;
    this.linkOffset = base;
    this.ipOffset = base;
    this.type = 0;
    this.ethPayloadLength = 0;
    this.vlanId = 0;
    this.tunnelId = 0;
    this.fragOff = 0;
    this.proto = 0;
    this.ipLength = 0;
    this.srcMac = 0;
    this.dstMac = 0;
    this.misframedPpp = false;
    this.extPointer = 0;
    this.extRemaining = 0;
    this.extProto = 0;
    this.l4Offset = 0;
    this.l4Length = 0;
  }
}
