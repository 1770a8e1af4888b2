/**
 * A finished (or, for plugins, live) bidirectional flow with NFStream's field names and meanings
 * (spec §4). Which groups exist depends on the run's options: `keys()` lists them in NFStream's
 * column order; fields of disabled groups are `undefined`.
 *
 * @example
 * ```ts
 * import { NFStreamer } from '@flowstream/streamer';
 *
 * for (const flow of new NFStreamer({ source: 'capture.pcap', statisticalAnalysis: true })) {
 *   console.log(flow.src_ip, flow.dst_port, flow.bidirectional_packets, flow.src2dst_mean_ps, flow.udps);
 * }
 * ```
 */
export class NFlow {
  declare id: number;
  /** 0 idle, 1 active, -1 custom (a plugin); flowstream adds 2: evicted by `maxLiveFlows`. */
  declare expiration_id: number;
  declare src_ip: string;
  declare src_mac: string;
  declare src_oui: string;
  declare src_port: number;
  declare dst_ip: string;
  declare dst_mac: string;
  declare dst_oui: string;
  declare dst_port: number;
  declare protocol: number;
  declare ip_version: number;
  declare vlan_id: number;
  /** Present only when `decodeTunnels` is on. */
  declare tunnel_id: number;
  declare bidirectional_first_seen_ms: number;
  declare bidirectional_last_seen_ms: number;
  declare bidirectional_duration_ms: number;
  declare bidirectional_packets: number;
  declare bidirectional_bytes: number;
  declare src2dst_first_seen_ms: number;
  declare src2dst_last_seen_ms: number;
  declare src2dst_duration_ms: number;
  declare src2dst_packets: number;
  declare src2dst_bytes: number;
  declare dst2src_first_seen_ms: number;
  declare dst2src_last_seen_ms: number;
  declare dst2src_duration_ms: number;
  declare dst2src_packets: number;
  declare dst2src_bytes: number;
  // statisticalAnalysis
  declare bidirectional_min_ps: number;
  declare bidirectional_mean_ps: number;
  declare bidirectional_stddev_ps: number;
  declare bidirectional_max_ps: number;
  declare src2dst_min_ps: number;
  declare src2dst_mean_ps: number;
  declare src2dst_stddev_ps: number;
  declare src2dst_max_ps: number;
  declare dst2src_min_ps: number;
  declare dst2src_mean_ps: number;
  declare dst2src_stddev_ps: number;
  declare dst2src_max_ps: number;
  declare bidirectional_min_piat_ms: number;
  declare bidirectional_mean_piat_ms: number;
  declare bidirectional_stddev_piat_ms: number;
  declare bidirectional_max_piat_ms: number;
  declare src2dst_min_piat_ms: number;
  declare src2dst_mean_piat_ms: number;
  declare src2dst_stddev_piat_ms: number;
  declare src2dst_max_piat_ms: number;
  declare dst2src_min_piat_ms: number;
  declare dst2src_mean_piat_ms: number;
  declare dst2src_stddev_piat_ms: number;
  declare dst2src_max_piat_ms: number;
  declare bidirectional_syn_packets: number;
  declare bidirectional_cwr_packets: number;
  declare bidirectional_ece_packets: number;
  declare bidirectional_urg_packets: number;
  declare bidirectional_ack_packets: number;
  declare bidirectional_psh_packets: number;
  declare bidirectional_rst_packets: number;
  declare bidirectional_fin_packets: number;
  declare src2dst_syn_packets: number;
  declare src2dst_cwr_packets: number;
  declare src2dst_ece_packets: number;
  declare src2dst_urg_packets: number;
  declare src2dst_ack_packets: number;
  declare src2dst_psh_packets: number;
  declare src2dst_rst_packets: number;
  declare src2dst_fin_packets: number;
  declare dst2src_syn_packets: number;
  declare dst2src_cwr_packets: number;
  declare dst2src_ece_packets: number;
  declare dst2src_urg_packets: number;
  declare dst2src_ack_packets: number;
  declare dst2src_psh_packets: number;
  declare dst2src_rst_packets: number;
  declare dst2src_fin_packets: number;
  // splt (lists of length N, -1 for unused slots)
  declare splt_direction: number[];
  declare splt_ps: number[];
  declare splt_piat_ms: number[];
  // nDPI (nDissections > 0)
  declare application_name: string;
  declare application_category_name: string;
  declare application_is_guessed: number;
  declare application_confidence: number;
  declare requested_server_name: string;
  declare client_fingerprint: string;
  declare server_fingerprint: string;
  declare user_agent: string;
  declare content_type: string;
  // system visibility
  declare system_process_pid: number;
  declare system_process_name: string;

  /** @internal storage of {@link udps}, created on first use (most flows of plugin-less runs never need one). */
  declare _udps: Record<string, unknown> | undefined;

  /** Plugin fields; exported as `udps.<name>` in creation order. */
  get udps(): Record<string, unknown> {
    let u = this._udps;
    if (u === undefined) {
      u = {};
      this._udps = u;
    }
    return u;
  }
  set udps(value: Record<string, unknown>) {
    this._udps = value;
  }

  /** @internal core column names of this run, shared by all flows of the run. */
  declare readonly _columns: readonly string[];

  /**
   * Field names in NFStream's column order (`udps.<name>` expanded).
   *
   * @example
   * ```ts
   * import type { NFlow } from '@flowstream/core';
   * declare const flow: NFlow;
   *
   * const row = Object.fromEntries(flow.keys().map((k, i) => [k, flow.values()[i]]));
   * ```
   */
  keys(): string[] {
    const out = this._columns.slice();
    const u = this._udps;
    if (u !== undefined) for (const k of Object.keys(u)) out.push(`udps.${k}`);
    return out;
  }

  /** Field values in {@link keys} order. */
  values(): unknown[] {
    const self = this as unknown as Record<string, unknown>;
    const out: unknown[] = [];
    for (const k of this._columns) out.push(self[k]);
    const u = this._udps;
    if (u !== undefined) for (const k of Object.keys(u)) out.push(u[k]);
    return out;
  }

  /**
   * A plain object with the fields in column order (`udps.<name>` keys for plugin fields).
   *
   * @example
   * ```ts
   * import { NFStreamer } from '@flowstream/streamer';
   *
   * for (const flow of new NFStreamer({ source: 'capture.pcap' })) process.stdout.write(`${JSON.stringify(flow)}\n`);
   * ```
   */
  toJSON(): Record<string, unknown> {
    const self = this as unknown as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const k of this._columns) out[k] = self[k];
    const u = this._udps;
    if (u !== undefined) for (const k of Object.keys(u)) out[`udps.${k}`] = u[k];
    return out;
  }

  /** NFStream's text form: `NFlow(id=0,\n      expiration_id=0, …)`. */
  toString(): string {
    const keys = this.keys();
    const values = this.values();
    const items = keys.map((k, i) => `${k}=${formatTextValue(values[i])}`);
    return `NFlow(${items.join(',\n      ')})`;
  }

  /**
   * `console.log(flow)` and `util.inspect(flow)` print NFStream's text form, not the internals.
   *
   * @example
   * ```ts
   * import type { NFlow } from '@flowstream/core';
   * declare const flow: NFlow;
   *
   * console.log(flow); // NFlow(id=0,\n      expiration_id=0,\n      src_ip=192.168.1.2, …)
   * ```
   */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}

function formatTextValue(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map((x) => (typeof x === 'string' ? `'${x}'` : String(x))).join(', ')}]`;
  if (v === null || v === undefined) return 'None';
  return String(v);
}
