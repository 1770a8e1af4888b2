import { NFPlugin, type FieldSpec, type NFlow, type PluginPacket } from '@flowstream/core';
import { CLIENT_HELLO, SERVER_HELLO, ja4Fingerprint } from './ja4/ja4-fingerprint.js';
import { Ja4Error } from './ja4/ja4-error.js';
import { ByteSpan } from './parse/byte-span.js';
import { ipv4Payload } from './parse/ipv4-payload.js';
import { tcpPayload } from './parse/tcp-payload.js';
import { udpPayload } from './parse/udp-payload.js';

/** Temporary per-flow attributes, named as NFStream names them, deleted in onExpire. */
const TEMPORARY = [
  '_start_time',
  '_client_random',
  '_server_random',
  '_ja4_eligible',
  'tcp_syn_flag',
  'tcp_syn_synack_flag',
  'tcp_synack_ack_flag',
] as const;

/**
 * NFStream's `JA4` plugin (spec §10.3): JA4 (`udps.ja4`, from the ClientHello) and JA4S
 * (`udps.ja4s`, from the ServerHello) TLS fingerprints of TCP flows that start with a SYN, each
 * computed from a single IPv4 packet; null when not found.
 *
 * Replicated quirks (§14 #26): the protocol letter is always `t` (UDP to port 443/80 is parsed
 * too, so QUIC never matches); the buggy GREASE removal; an exception while parsing a
 * ServerHello candidate clears `ja4`. The ClientHello must arrive no later than the packet after
 * the one completing the SYN / SYN-ACK / ACK handshake.
 *
 * @example
 * ```ts
 * import { JA4 } from '@flowstream/plugins';
 * import { NFStreamer } from '@flowstream/streamer';
 *
 * for (const flow of new NFStreamer({ source: 'tls.pcap', udps: [new JA4()] })) {
 *   // null for flows without a Client Hello (not TLS, or the hello never seen)
 *   if (flow.udps.ja4 !== null) console.log(flow.udps.ja4, flow.udps.ja4s); // 't13d1516h2_8daaf6152771_e5627efa2ab1' …
 * }
 * ```
 */
export class JA4 extends NFPlugin<{ throwWarns?: boolean }> {
  static override defaults = { throwWarns: false };
  static override fields: readonly FieldSpec[] = [
    { name: 'ja4', type: 'string', nullable: true },
    { name: 'ja4s', type: 'string', nullable: true },
  ];
  /** Accepted for NFStream compatibility (`throw_warns`); unused there too. */
  declare throwWarns: boolean;

  private readonly span = new ByteSpan();
  private readonly random = { hex: '' };

  override onInit(packet: PluginPacket, flow: NFlow): void {
    const u = flow.udps;
    const synOnly = packet.syn === 1 && packet.ack === 0;
    u.ja4 = null;
    u.ja4s = null;
    u._start_time = packet.time;
    u._client_random = null;
    u._server_random = null;
    u._ja4_eligible = synOnly;
    u.tcp_syn_flag = synOnly;
    u.tcp_syn_synack_flag = false;
    u.tcp_synack_ack_flag = false;
  }

  override onUpdate(packet: PluginPacket, flow: NFlow): void {
    const u = flow.udps;
    if (u._ja4_eligible !== true) return;
    if (!u.ja4) {
      try {
        u.ja4 = this.fingerprint(packet, CLIENT_HELLO);
        if (u.ja4 !== null) u._client_random = this.random.hex;
      } catch (e) {
        if (!isParseError(e)) throw e;
        u.ja4 = null;
      }
    } else {
      try {
        u.ja4s = this.fingerprint(packet, SERVER_HELLO);
        if (u.ja4s !== null) u._server_random = this.random.hex;
      } catch (e) {
        if (!isParseError(e)) throw e;
        u.ja4 = null; // quirk: a failing ServerHello candidate drops the client fingerprint
      }
      if (u.ja4s) u._ja4_eligible = false;
    }
    if (u.tcp_synack_ack_flag === true && u._ja4_eligible === true && !u.ja4) u._ja4_eligible = false;
    if (u._ja4_eligible !== true) return;
    const syn = packet.syn === 1;
    const ack = packet.ack === 1;
    if (u.tcp_syn_flag !== true) {
      if (syn && !ack) u.tcp_syn_flag = true;
    } else if (u.tcp_syn_synack_flag !== true) {
      if (syn && ack) u.tcp_syn_synack_flag = true;
    } else if (u.tcp_synack_ack_flag !== true) {
      if (ack && !syn) u.tcp_synack_ack_flag = true;
    }
  }

  override onExpire(flow: NFlow): void {
    const u = flow.udps;
    for (const name of TEMPORARY) delete u[name];
  }

  private fingerprint(packet: PluginPacket, type: number): string | null {
    if (packet.ip_version !== 4) return null;
    const data = packet._data;
    const span = this.span;
    const protocol = ipv4Payload(data, packet._ipOffset, packet._ipLength, span);
    if (protocol === 6) {
      if (!tcpPayload(data, span)) return null;
    } else if (protocol === 17) {
      const dstPort = udpPayload(data, span);
      if (dstPort !== 443 && dstPort !== 80) throw new Ja4Error(`UDP destination port ${dstPort} is not 443 or 80`);
    } else {
      return null;
    }
    return ja4Fingerprint(data, span.start, span.end, type, this.random);
  }
}

/** Errors NFStream's plugin swallows (its parsing exceptions); anything else is a bug and escapes. */
function isParseError(e: unknown): boolean {
  return e instanceof Ja4Error;
}
