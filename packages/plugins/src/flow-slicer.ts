import { NFPlugin, type NFlow, type PluginPacket } from '@flowstream/core';

/**
 * NFStream's `FlowSlicer` plugin (spec §10.3): ends a flow every `limit` packets through custom
 * expiration (`expiration_id` -1); the next packet starts a new flow.
 *
 * @example
 * ```ts
 * import { FlowSlicer } from '@flowstream/plugins';
 * import { NFStreamer } from '@flowstream/streamer';
 *
 * const slices = [...new NFStreamer({ source: 'google_ssl.pcap', udps: [new FlowSlicer({ limit: 4 })] })];
 * console.log(slices.length, slices.map((f) => f.expiration_id)); // a flow of 28 packets becomes 7 flows of 4 (expiration_id -1)
 * ```
 */
export class FlowSlicer extends NFPlugin<{ limit?: number }> {
  /** NFStream's FlowSlicer has no default; 10 packets per slice keeps `--plugin flow-slicer` usable as is. */
  static override defaults = { limit: 10 };
  declare limit: number;

  constructor(options?: { limit?: number }) {
    super(options);
    if (typeof this.limit !== 'number' || Number.isNaN(this.limit)) {
      throw new TypeError(`FlowSlicer needs a numeric limit option, got ${String(this.limit)}`);
    }
  }

  override onInit(_packet: PluginPacket, flow: NFlow): void {
    if (this.limit === 1) flow.expiration_id = -1;
  }

  override onUpdate(_packet: PluginPacket, flow: NFlow): void {
    if (flow.bidirectional_packets === this.limit) flow.expiration_id = -1;
  }
}
