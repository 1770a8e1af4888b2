import { NFPlugin, type FieldSpec, type NFlow, type PluginPacket } from '@flowstream/core';
import { energyFeatures } from './wavelet/energy-features.js';
import { haarSwt } from './wavelet/haar-swt.js';

/**
 * Options of {@link WFPlugin} (NFStream: `active_timeout`, `levels`, both required there; defaults here).
 *
 * @example
 * ```ts
 * import { WFPlugin, type WFPluginOptions } from '@flowstream/plugins';
 * import { NFStreamer } from '@flowstream/streamer';
 *
 * const options: WFPluginOptions = { activeTimeout: 120, levels: 2 };
 * new NFStreamer({ source: 'capture.pcap', activeTimeout: 120, udps: [new WFPlugin(options)] });
 * ```
 */
export interface WFPluginOptions {
  /** Seconds (default 1800, NFStream's active timeout); should equal the streamer's `activeTimeout` so every packet falls in a bin. */
  activeTimeout?: number;
  /** Wavelet levels L (default 3): 2^L bins per direction, 8(L+1) output columns. */
  levels?: number;
}

const FEATURES = ['p', 'u', 'sigma', 'S'] as const;

/**
 * The `udps` columns of a WFPlugin with `levels` L, in NFStream's order: `f_p_k_0…L`,
 * `f_u_k_0…L`, `f_sigma_k_0…L`, `f_S_k_0…L`, then the same with `b_` (backward direction).
 *
 * @example
 * ```ts
 * waveletFieldNames(1); // ['f_p_k_0', 'f_p_k_1', 'f_u_k_0', …, 'b_S_k_1'] (16 names)
 * ```
 */
export function waveletFieldNames(levels: number): string[] {
  const names: string[] = [];
  for (const side of ['f', 'b']) {
    for (const feature of FEATURES) for (let k = 0; k <= levels; k++) names.push(`${side}_${feature}_k_${k}`);
  }
  return names;
}

/**
 * NFStream's wavelet-features plugin `WFPlugin` (spec §10.3): per direction, IP bytes are binned
 * over the active timeout into 2^levels bins and summarised by the energy features of their
 * stationary Haar transform. Quirk (§14 #28): the first packet of a flow is not binned.
 *
 * The columns depend on `levels`, so they are given by the instance getter {@link fields}
 * (the static `fields` is empty).
 *
 * @example
 * ```ts
 * import { WFPlugin } from '@flowstream/plugins';
 * import { NFStreamer } from '@flowstream/streamer';
 *
 * const wf = new WFPlugin({ activeTimeout: 120, levels: 3 });
 * for (const flow of new NFStreamer({ source: 'capture.pcap', activeTimeout: 120, udps: [wf] })) {
 *   console.log(flow.udps.f_p_k_0, flow.udps.b_S_k_3);
 * }
 * ```
 */
export class WFPlugin extends NFPlugin<WFPluginOptions> {
  static override defaults = { activeTimeout: 1800, levels: 3 };
  declare activeTimeout: number;
  declare levels: number;
  private readonly nbins: number;
  private readonly binSize: number;
  private readonly names: string[];

  constructor(options?: WFPluginOptions) {
    super(options);
    if (typeof this.activeTimeout !== 'number' || !(this.activeTimeout > 0)) {
      throw new RangeError(`WFPlugin activeTimeout must be a number of seconds > 0, got ${String(this.activeTimeout)}`);
    }
    if (!Number.isInteger(this.levels) || this.levels < 0 || this.levels > 24) {
      throw new RangeError(`WFPlugin levels must be an integer in 0…24, got ${String(this.levels)}`);
    }
    this.nbins = 2 ** this.levels;
    this.binSize = (this.activeTimeout / this.nbins) * 1000;
    this.names = waveletFieldNames(this.levels);
  }

  /** The float columns this instance adds (they depend on `levels`). */
  get fields(): readonly FieldSpec[] {
    return this.names.map((name) => ({ name, type: 'float' as const }));
  }

  override onInit(packet: PluginPacket, flow: NFlow): void {
    flow.udps.forward = new Float64Array(this.nbins);
    flow.udps.backward = new Float64Array(this.nbins);
    flow.udps.first_packet_timestamp = packet.time;
  }

  override onUpdate(packet: PluginPacket, flow: NFlow): void {
    const u = flow.udps;
    const bin = Math.floor((packet.time - (u.first_packet_timestamp as number)) / this.binSize);
    if (bin >= this.nbins) {
      // NFStream raises IndexError here (spec §10.3); it cannot happen when activeTimeout is the
      // streamer's active timeout.
      throw new RangeError(
        `WFPlugin: packet ${packet.time - (u.first_packet_timestamp as number)} ms into the flow is past ` +
          `activeTimeout ${this.activeTimeout} s; use the streamer's activeTimeout`,
      );
    }
    ((packet.direction === 0 ? u.forward : u.backward) as Float64Array)[bin]! += packet.ip_size;
  }

  override onExpire(flow: NFlow): void {
    const u = flow.udps;
    const forward = u.forward as Float64Array;
    const backward = u.backward as Float64Array;
    delete u.forward;
    delete u.backward;
    delete u.first_packet_timestamp;
    let i = 0;
    for (const bins of [forward, backward]) {
      const f = energyFeatures(haarSwt(bins, this.levels));
      for (const feature of FEATURES) for (const value of f[feature]) u[this.names[i++]!] = value;
    }
  }
}
