import { NFPlugin, type FieldSpec, type NFlow, type PluginPacket } from '@flowstream/core';
import { readDnsName } from './mdns/dns-name.js';
import { dnsPtrAnswers } from './mdns/dns-ptr-answers.js';
import { ByteSpan } from './parse/byte-span.js';
import { ipv4Payload } from './parse/ipv4-payload.js';

/**
 * NFStream's `MDNS` plugin (spec §10.3): `udps.mdns_ptr`, the distinct PTR answer targets of the
 * mDNS messages of flows whose destination port is 5353, in order of appearance, with every `,`
 * replaced by a space. IPv6 flows never parse (§14 #29) and keep `[]`; a malformed message is
 * skipped; invalid UTF-8 in a name throws (NFStream crashes there, §10.1).
 *
 * @example
 * ```ts
 * import { MDNS } from '@flowstream/plugins';
 * import { NFStreamer } from '@flowstream/streamer';
 *
 * for (const flow of new NFStreamer({ source: 'mdns.pcap', udps: [new MDNS()] })) {
 *   console.log(flow.udps.mdns_ptr); // ['skynet.local', …]
 * }
 * ```
 */
export class MDNS extends NFPlugin {
  static override fields: readonly FieldSpec[] = [{ name: 'mdns_ptr', type: 'string[]' }];
  // host and device names (some spell the hardware address)
  static override addressFields: Readonly<Record<string, 'ip' | 'mac'>> = { mdns_ptr: 'ip' };

  private readonly span = new ByteSpan();
  private readonly targets: number[] = [];

  override onInit(packet: PluginPacket, flow: NFlow): void {
    flow.udps.mdns_ptr = [];
    this.onUpdate(packet, flow);
  }

  override onUpdate(packet: PluginPacket, flow: NFlow): void {
    if (flow.dst_port !== 5353) return;
    const data = packet._data;
    const span = this.span;
    if (ipv4Payload(data, packet._ipOffset, packet._ipLength, span) !== 17) return;
    if (span.end - span.start < 8) return;
    const base = span.start + 8;
    const targets = this.targets;
    if (!dnsPtrAnswers(data, base, span.end, targets) || targets.length === 0) return;
    const list = flow.udps.mdns_ptr as string[];
    for (const offset of targets) {
      const name = readDnsName(data, base, offset).replaceAll(',', ' ');
      if (!list.includes(name)) list.push(name);
    }
  }
}
