import { NFPlugin, type FieldSpec, type NFlow, type PluginPacket } from '@flowstream/core';

/**
 * Options of {@link SPLT} (NFStream: `sequence_length`, `accounting_mode`).
 *
 * @example
 * ```ts
 * import { SPLT, type SpltOptions } from '@flowstream/plugins';
 *
 * const options: SpltOptions = { sequenceLength: 20, accountingMode: 3 }; // payload sizes of the first 20 packets
 * const splt = new SPLT(options);
 * ```
 */
export interface SpltOptions {
  /** Number of packets recorded (default 5). */
  sequenceLength?: number;
  /** Packet size used: 0 raw, 1 IP, 2 transport, 3 payload (spec §3; default 0). */
  accountingMode?: number;
}

/**
 * NFStream's `SPLT` plugin (spec §10.3), the plugin twin of the native `spltAnalysis`: the
 * direction, size and inter-arrival time of a flow's first `sequenceLength` packets in
 * `udps.splt_direction`, `udps.splt_ps`, `udps.splt_piat_ms` (-1 for missing packets).
 *
 * @example
 * ```ts
 * import { SPLT } from '@flowstream/plugins';
 * import { NFStreamer } from '@flowstream/streamer';
 *
 * const flows = new NFStreamer({ source: 'capture.pcap', udps: [new SPLT({ sequenceLength: 10, accountingMode: 1 })] });
 * for (const flow of flows) console.log(flow.udps.splt_ps);
 * ```
 */
export class SPLT extends NFPlugin<SpltOptions> {
  static override defaults = { sequenceLength: 5, accountingMode: 0 };
  static override fields: readonly FieldSpec[] = [
    { name: 'splt_direction', type: 'int[]' },
    { name: 'splt_ps', type: 'int[]' },
    { name: 'splt_piat_ms', type: 'int[]' },
  ];
  declare sequenceLength: number;
  declare accountingMode: number;

  constructor(options?: SpltOptions) {
    super(options);
    if (!Number.isInteger(this.sequenceLength) || this.sequenceLength < 1) {
      throw new RangeError(`SPLT sequenceLength must be an integer ≥ 1, got ${String(this.sequenceLength)}`);
    }
    if (![0, 1, 2, 3].includes(this.accountingMode)) {
      throw new RangeError(`SPLT accountingMode must be 0, 1, 2 or 3, got ${String(this.accountingMode)}`);
    }
  }

  override onInit(packet: PluginPacket, flow: NFlow): void {
    const n = this.sequenceLength;
    const direction = new Array<number>(n).fill(-1);
    const ps = new Array<number>(n).fill(-1);
    const piat = new Array<number>(n).fill(-1);
    direction[0] = 0;
    ps[0] = this.size(packet);
    piat[0] = packet.delta_time;
    flow.udps.splt_direction = direction;
    flow.udps.splt_ps = ps;
    flow.udps.splt_piat_ms = piat;
  }

  override onUpdate(packet: PluginPacket, flow: NFlow): void {
    const k = flow.bidirectional_packets;
    if (k > this.sequenceLength) return;
    (flow.udps.splt_direction as number[])[k - 1] = packet.direction;
    (flow.udps.splt_ps as number[])[k - 1] = this.size(packet);
    (flow.udps.splt_piat_ms as number[])[k - 1] = packet.delta_time;
  }

  private size(packet: PluginPacket): number {
    switch (this.accountingMode) {
      case 1:
        return packet.ip_size;
      case 2:
        return packet.transport_size;
      case 3:
        return packet.payload_size;
      default:
        return packet.raw_size;
    }
  }
}
