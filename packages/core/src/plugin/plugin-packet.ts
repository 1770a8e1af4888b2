const EMPTY = new Uint8Array(0);

/**
 * The packet handed to plugin callbacks: NFStream's `NFPacket` fields (spec §10.2) plus the capture
 * timestamp at full precision (`ts_sec`, `ts_nsec`). One object per meter is reused for every
 * packet; do not keep a reference to it after the callback returns.
 *
 * `ip_packet` is a view of the capture buffer (the (inner) IP header to the end of the frame,
 * padding included), valid only during the callback: copy it (`packet.ip_packet.slice()`) to keep it.
 *
 * @example
 * ```ts
 * import { NFPlugin, type NFlow, type PluginPacket } from '@flowstream/core';
 *
 * export class FirstPayload extends NFPlugin {
 *   override onInit(packet: PluginPacket, flow: NFlow) {
 *     flow.udps.first_packet = packet.ip_packet.slice(); // a copy: the view is reused
 *     flow.udps.first_time = `${packet.ts_sec}.${String(packet.ts_nsec).padStart(9, '0')}`;
 *   }
 *   override onUpdate(packet: PluginPacket, flow: NFlow) {
 *     if (packet.direction === 1 && flow.udps.first_reply_ms === undefined) flow.udps.first_reply_ms = packet.delta_time;
 *   }
 * }
 * ```
 */
export class PluginPacket {
  /** Milliseconds since the epoch, after the meter's monotonic clamp. */
  time = 0;
  /** Bidirectional inter-arrival time in ms (0 for a flow's first packet). */
  delta_time = 0;
  /** 0 = same direction as the flow's first packet, 1 = opposite. */
  direction = 0;
  raw_size = 0;
  ip_size = 0;
  transport_size = 0;
  payload_size = 0;
  /** The flow's endpoint texts, swapped for direction 1 (so `src_*` is this packet's sender). */
  src_ip = '';
  src_mac = '';
  src_oui = '';
  dst_ip = '';
  dst_mac = '';
  dst_oui = '';
  src_port = 0;
  dst_port = 0;
  protocol = 0;
  vlan_id = 0;
  ip_version = 0;
  syn = 0;
  cwr = 0;
  ece = 0;
  urg = 0;
  ack = 0;
  psh = 0;
  rst = 0;
  fin = 0;
  tunnel_id = 0;
  /** Capture timestamp, whole seconds (full precision; NFStream lacks it). */
  ts_sec = 0;
  /** Capture timestamp, nanoseconds within the second. */
  ts_nsec = 0;

  /** @internal backing store of {@link ip_packet} */
  _data: Uint8Array = EMPTY;
  /** @internal */
  _ipOffset = 0;
  /** @internal */
  _ipLength = 0;

  /** The captured bytes from the (inner) IP header on; a view valid only during the callback. */
  get ip_packet(): Uint8Array {
    return this._data.subarray(this._ipOffset, this._ipOffset + this._ipLength);
  }
}
