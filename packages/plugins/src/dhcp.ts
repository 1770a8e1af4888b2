import { NFPlugin, type FieldSpec, type NFlow, type PluginPacket } from '@flowstream/core';
import { bigEndianValue, dhcpOptionsValid, DHCP_OPTIONS_OFFSET } from './dhcp/dhcp-options.js';
import { DHCP_MSG_TYPES } from './dhcp/msg-type.js';
import { ByteSpan } from './parse/byte-span.js';
import { ipTextFromInteger, ipv4Text } from './parse/ip-text.js';
import { ipv4Payload } from './parse/ipv4-payload.js';
import { decodeUtf8Replace, decodeUtf8Strict } from './parse/utf8.js';

const REQUEST = 3;
const DECLINE = 4;
const ACK = 5;
const NACK = 6;
const INFORM = 8;

/**
 * NFStream's `DHCP` plugin (spec §10.3): client fields of DHCP exchanges, from the packets of
 * flows whose destination port is 67. Fields (created in this order, null until set):
 * `dhcp_12` hostname, `dhcp_50` requested address, `dhcp_55` parameter request list (`'1,3,6'`),
 * `dhcp_57` max message size, `dhcp_60` vendor class, `dhcp_77` user class, `dhcp_options`
 * (option codes of the REQUEST, `number[]`), `dhcp_addr` (REQUEST ciaddr), `dhcp_msg_type` (the
 * first message type, e.g. `'MsgType.DISCOVER'`, or 0 when the first parsed packet had none),
 * `dhcp_oui` (client MAC prefix `'00:0b:82'`).
 *
 * Replicated quirks: every flow whose src_ip is `0.0.0.0` is expired after each parsed packet
 * (§14 #27); IPv6 never parses (§14 #29). An invalid message type or invalid UTF-8 in option
 * 60/77 throws, as NFStream crashes there (§10.1).
 *
 * @example
 * ```ts
 * import { DHCP } from '@flowstream/plugins';
 * import { NFStreamer } from '@flowstream/streamer';
 *
 * for (const flow of new NFStreamer({ source: 'dhcp.pcap', udps: [new DHCP()] })) {
 *   console.log(flow.udps.dhcp_msg_type, flow.udps.dhcp_oui);
 * }
 * ```
 */
export class DHCP extends NFPlugin {
  static override fields: readonly FieldSpec[] = [
    { name: 'dhcp_12', type: 'string', nullable: true },
    { name: 'dhcp_50', type: 'string', nullable: true },
    { name: 'dhcp_55', type: 'string', nullable: true },
    { name: 'dhcp_57', type: 'int', nullable: true },
    { name: 'dhcp_60', type: 'string', nullable: true },
    { name: 'dhcp_77', type: 'string', nullable: true },
    { name: 'dhcp_options', type: 'int[]' },
    { name: 'dhcp_addr', type: 'string', nullable: true },
    // 'MsgType.X', or the integer 0 when the first parsed packet had no option 53.
    { name: 'dhcp_msg_type', type: 'string', nullable: true },
    { name: 'dhcp_oui', type: 'string', nullable: true },
  ];
  // the client's host name, requested and current address, and the vendor prefix of its MAC
  static override addressFields: Readonly<Record<string, 'ip' | 'mac'>> = { dhcp_12: 'ip', dhcp_50: 'ip', dhcp_addr: 'ip', dhcp_oui: 'mac' };

  private readonly span = new ByteSpan();

  override onInit(packet: PluginPacket, flow: NFlow): void {
    const u = flow.udps;
    u.dhcp_12 = null;
    u.dhcp_50 = null;
    u.dhcp_55 = null;
    u.dhcp_57 = null;
    u.dhcp_60 = null;
    u.dhcp_77 = null;
    u.dhcp_options = [];
    u.dhcp_addr = null;
    u.dhcp_msg_type = null;
    u.dhcp_oui = null;
    this.onUpdate(packet, flow);
  }

  override onUpdate(packet: PluginPacket, flow: NFlow): void {
    // The flow's port, not the packet's: both directions of a client→server flow are parsed.
    if (flow.dst_port !== 67) return;
    const data = packet._data;
    const span = this.span;
    if (ipv4Payload(data, packet._ipOffset, packet._ipLength, span) !== 17) return;
    if (span.end - span.start < 8) return;
    const dhcp = span.start + 8; // the UDP length field is ignored
    const end = span.end;
    const optionsStart = dhcp + DHCP_OPTIONS_OFFSET;
    if (optionsStart > end || !dhcpOptionsValid(data, optionsStart, end)) return;

    const u = flow.udps;
    const options: number[] = [];
    let msgType = 0;
    let requestList: string | null = null;
    let requestedAddress: string | null = null;
    for (let i = optionsStart; i < end; ) {
      const code = data[i]!;
      if (code === 255) break;
      if (code === 0) {
        i++;
        continue;
      }
      const valueStart = i + 2;
      const valueEnd = Math.min(valueStart + data[i + 1]!, end);
      i = valueStart + data[i + 1]!;
      options.push(code);
      switch (code) {
        case 12: {
          const hostname = decodeUtf8Replace(data.subarray(valueStart, valueEnd));
          if (hostname !== '') u.dhcp_12 = hostname;
          break;
        }
        case 53:
          msgType = bigEndianValue(data, valueStart, valueEnd);
          if (DHCP_MSG_TYPES[msgType] === undefined) {
            throw new RangeError(`${msgType} is not a valid DHCP MsgType (option 53 must be 1…8)`);
          }
          break;
        case 60:
          u.dhcp_60 = decodeUtf8Strict(data.subarray(valueStart, valueEnd), 'DHCP option 60');
          break;
        case 77:
          u.dhcp_77 = decodeUtf8Strict(data.subarray(valueStart, valueEnd), 'DHCP option 77');
          break;
        case 57:
          u.dhcp_57 = bigEndianValue(data, valueStart, valueEnd);
          break;
        case 55:
          requestList = Array.from(data.subarray(valueStart, valueEnd)).join(',');
          break;
        case 50:
          requestedAddress = ipTextFromInteger(data.subarray(valueStart, valueEnd));
          break;
      }
    }

    if (msgType === REQUEST) {
      const hlen = Math.min(data[dhcp + 2]!, 16, 3);
      const chaddr = dhcp + 28;
      let oui = '';
      for (let k = 0; k < hlen; k++) oui += (k ? ':' : '') + data[chaddr + k]!.toString(16).padStart(2, '0');
      u.dhcp_oui = oui;
      u.dhcp_options = options;
      u.dhcp_55 = requestList;
      u.dhcp_50 = requestedAddress;
      if (data[dhcp + 12] || data[dhcp + 13] || data[dhcp + 14] || data[dhcp + 15]) {
        u.dhcp_addr = ipv4Text(data, dhcp + 12);
      }
    }
    // Spec §14 #27: a client without an address (src 0.0.0.0) gets one flow per packet.
    if (msgType === ACK || msgType === NACK || msgType === INFORM || msgType === DECLINE || flow.src_ip === '0.0.0.0') {
      flow.expiration_id = -1;
    }
    if (u.dhcp_msg_type === null) u.dhcp_msg_type = msgType === 0 ? 0 : DHCP_MSG_TYPES[msgType]!;
  }
}
