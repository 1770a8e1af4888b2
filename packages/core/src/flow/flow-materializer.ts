import { unsignedTimeMs as u } from '../capture/time-ms.js';
import { ipv4Text, ipv6Text, macText, ouiText } from '../decode/address-text.js';
import type { FlowTable } from '../meter/flow-table.js';
import { PAGE_MASK, PAGE_SHIFT } from '../meter/slot-pages.js';
import {
  BI_FIRST,
  BI_LAST,
  COUNTER_STRIDE,
  D2S_BYTES,
  D2S_FIRST,
  D2S_LAST,
  D2S_PACKETS,
  DST_MAC,
  S2D_BYTES,
  S2D_FIRST,
  S2D_LAST,
  S2D_PACKETS,
  SRC_MAC,
  type FlowCounters,
} from './flow-counters.js';
import { PIAT_MAX, PIAT_MEAN, PIAT_MIN, PS_MAX, PS_MEAN, PS_MIN, type FlowStatistics } from './flow-statistics.js';
import type { FlowSplt } from './flow-splt.js';
import { NFlow } from './nflow.js';
import { runFlowClass } from './run-flow-class.js';
import { TextCache } from './text-cache.js';

/**
 * Turns a flow's typed-array state into an {@link NFlow} with NFStream's fields, in column order
 * (so every record of a run has one hidden class). Strings (IPs, MACs, OUIs) are made here, once
 * per flow — never per packet.
 */
export class FlowMaterializer {
  /** NFlow subclass of this run: `_columns` lives on its prototype, shared by every record. */
  private readonly FlowClass: typeof NFlow;
  /** MAC and OUI texts repeat across flows (gateways, hosts): made once each. */
  private readonly macs = new TextCache(macText);
  private readonly ouis = new TextCache(ouiText);

  constructor(
    private readonly table: FlowTable,
    private readonly counters: FlowCounters,
    private readonly stats: FlowStatistics | null,
    private readonly splt: FlowSplt | null,
    private readonly columns: readonly string[],
    private readonly decodeTunnels: boolean,
    private readonly dissection: boolean,
    private readonly systemVisibility: boolean,
  ) {
    this.FlowClass = runFlowClass(columns);
  }

  /** A new NFlow for `slot` with every field set (identity and counters). */
  create(slot: number): NFlow {
    const f = new this.FlowClass();
    const t = this.table;
    const c = this.counters;
    f.id = -1;
    f.expiration_id = 0;
    const v6 = t.ipVersion(slot) === 6;
    f.src_ip = v6 ? ipv6Text(t.srcWord(slot, 0), t.srcWord(slot, 1), t.srcWord(slot, 2), t.srcWord(slot, 3)) : ipv4Text(t.srcWord(slot, 0));
    const srcMac = c.get(slot, SRC_MAC);
    f.src_mac = this.macs.text(srcMac);
    f.src_oui = this.ouis.text(srcMac);
    f.src_port = t.srcPort(slot);
    f.dst_ip = v6 ? ipv6Text(t.dstWord(slot, 0), t.dstWord(slot, 1), t.dstWord(slot, 2), t.dstWord(slot, 3)) : ipv4Text(t.dstWord(slot, 0));
    const dstMac = c.get(slot, DST_MAC);
    f.dst_mac = this.macs.text(dstMac);
    f.dst_oui = this.ouis.text(dstMac);
    f.dst_port = t.dstPort(slot);
    f.protocol = t.protocol(slot);
    f.ip_version = t.ipVersion(slot);
    f.vlan_id = t.vlanId(slot);
    if (this.decodeTunnels) f.tunnel_id = t.tunnelId(slot);
    this.sync(slot, f);
    if (this.dissection) {
      f.application_name = '';
      f.application_category_name = '';
      f.application_is_guessed = 0;
      f.application_confidence = 0;
      f.requested_server_name = '';
      f.client_fingerprint = '';
      f.server_fingerprint = '';
      f.user_agent = '';
      f.content_type = '';
    }
    if (this.systemVisibility) {
      f.system_process_pid = -1;
      f.system_process_name = '';
    }
    return f;
  }

  /** Refreshes the counters, statistics and SPLT fields of `f` from the slot's state. */
  sync(slot: number, f: NFlow): void {
    const v = this.counters.pages[slot >> PAGE_SHIFT]!;
    const o = (slot & PAGE_MASK) * COUNTER_STRIDE;
    const biFirst = v[o + BI_FIRST]!;
    const biLast = v[o + BI_LAST]!;
    f.bidirectional_first_seen_ms = u(biFirst);
    f.bidirectional_last_seen_ms = u(biLast);
    f.bidirectional_duration_ms = u(biLast - biFirst);
    f.bidirectional_packets = v[o + S2D_PACKETS]! + v[o + D2S_PACKETS]!;
    f.bidirectional_bytes = v[o + S2D_BYTES]! + v[o + D2S_BYTES]!;
    const s2dFirst = v[o + S2D_FIRST]!;
    const s2dLast = v[o + S2D_LAST]!;
    f.src2dst_first_seen_ms = u(s2dFirst);
    f.src2dst_last_seen_ms = u(s2dLast);
    f.src2dst_duration_ms = u(s2dLast - s2dFirst);
    f.src2dst_packets = v[o + S2D_PACKETS]!;
    f.src2dst_bytes = v[o + S2D_BYTES]!;
    const d2sFirst = v[o + D2S_FIRST]!;
    const d2sLast = v[o + D2S_LAST]!;
    f.dst2src_first_seen_ms = u(d2sFirst);
    f.dst2src_last_seen_ms = u(d2sLast);
    f.dst2src_duration_ms = u(d2sLast - d2sFirst);
    f.dst2src_packets = v[o + D2S_PACKETS]!;
    f.dst2src_bytes = v[o + D2S_BYTES]!;
    const s = this.stats;
    if (s !== null) {
      const nBi = f.bidirectional_packets;
      const nS = f.src2dst_packets;
      const nD = f.dst2src_packets;
      f.bidirectional_min_ps = s.value(slot, 0, PS_MIN);
      f.bidirectional_mean_ps = s.value(slot, 0, PS_MEAN);
      f.bidirectional_stddev_ps = s.psStddev(slot, 0, nBi);
      f.bidirectional_max_ps = s.value(slot, 0, PS_MAX);
      f.src2dst_min_ps = s.value(slot, 1, PS_MIN);
      f.src2dst_mean_ps = s.value(slot, 1, PS_MEAN);
      f.src2dst_stddev_ps = s.psStddev(slot, 1, nS);
      f.src2dst_max_ps = s.value(slot, 1, PS_MAX);
      f.dst2src_min_ps = s.value(slot, 2, PS_MIN);
      f.dst2src_mean_ps = s.value(slot, 2, PS_MEAN);
      f.dst2src_stddev_ps = s.psStddev(slot, 2, nD);
      f.dst2src_max_ps = s.value(slot, 2, PS_MAX);
      f.bidirectional_min_piat_ms = s.value(slot, 0, PIAT_MIN);
      f.bidirectional_mean_piat_ms = s.value(slot, 0, PIAT_MEAN);
      f.bidirectional_stddev_piat_ms = s.piatStddev(slot, 0, nBi);
      f.bidirectional_max_piat_ms = s.value(slot, 0, PIAT_MAX);
      f.src2dst_min_piat_ms = s.value(slot, 1, PIAT_MIN);
      f.src2dst_mean_piat_ms = s.value(slot, 1, PIAT_MEAN);
      f.src2dst_stddev_piat_ms = s.piatStddev(slot, 1, nS);
      f.src2dst_max_piat_ms = s.value(slot, 1, PIAT_MAX);
      f.dst2src_min_piat_ms = s.value(slot, 2, PIAT_MIN);
      f.dst2src_mean_piat_ms = s.value(slot, 2, PIAT_MEAN);
      f.dst2src_stddev_piat_ms = s.piatStddev(slot, 2, nD);
      f.dst2src_max_piat_ms = s.value(slot, 2, PIAT_MAX);
      f.bidirectional_syn_packets = s.flagCount(slot, 0, 0);
      f.bidirectional_cwr_packets = s.flagCount(slot, 0, 1);
      f.bidirectional_ece_packets = s.flagCount(slot, 0, 2);
      f.bidirectional_urg_packets = s.flagCount(slot, 0, 3);
      f.bidirectional_ack_packets = s.flagCount(slot, 0, 4);
      f.bidirectional_psh_packets = s.flagCount(slot, 0, 5);
      f.bidirectional_rst_packets = s.flagCount(slot, 0, 6);
      f.bidirectional_fin_packets = s.flagCount(slot, 0, 7);
      f.src2dst_syn_packets = s.flagCount(slot, 1, 0);
      f.src2dst_cwr_packets = s.flagCount(slot, 1, 1);
      f.src2dst_ece_packets = s.flagCount(slot, 1, 2);
      f.src2dst_urg_packets = s.flagCount(slot, 1, 3);
      f.src2dst_ack_packets = s.flagCount(slot, 1, 4);
      f.src2dst_psh_packets = s.flagCount(slot, 1, 5);
      f.src2dst_rst_packets = s.flagCount(slot, 1, 6);
      f.src2dst_fin_packets = s.flagCount(slot, 1, 7);
      f.dst2src_syn_packets = s.flagCount(slot, 2, 0);
      f.dst2src_cwr_packets = s.flagCount(slot, 2, 1);
      f.dst2src_ece_packets = s.flagCount(slot, 2, 2);
      f.dst2src_urg_packets = s.flagCount(slot, 2, 3);
      f.dst2src_ack_packets = s.flagCount(slot, 2, 4);
      f.dst2src_psh_packets = s.flagCount(slot, 2, 5);
      f.dst2src_rst_packets = s.flagCount(slot, 2, 6);
      f.dst2src_fin_packets = s.flagCount(slot, 2, 7);
    }
    const sp = this.splt;
    if (sp !== null) {
      const [d, ps, piat] = sp.read(slot);
      f.splt_direction = d;
      f.splt_ps = ps;
      f.splt_piat_ms = piat;
    }
  }
}
