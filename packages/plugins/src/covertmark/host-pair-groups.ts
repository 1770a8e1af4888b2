import { hostNetworkText, inNetwork, parseClientNetworks } from './client-networks.js';
import { windowPacketsFixedSize } from './fixed-size-windows.js';
import { parseIp } from './ip-address.js';
import { requireInt } from './validate.js';

/** One client/remote host pair and its fixed-size windows (spec §6.2). */
export interface HostPairGroup<T> {
  /** The client as a host network: `a.b.c.d/32` or `<ipv6>/128`. */
  readonly client: string;
  /** The remote address as written in the packets. */
  readonly target: string;
  readonly windows: T[][];
}

/**
 * CovertMark's `group_packets_by_ip_fixed_size` (spec §6.2): groups packets by (client host, remote
 * host), taking for each packet the first client network (in list order) that holds its `src`
 * (client = src) or else its `dst` (client = dst), then cuts each group into windows of
 * `windowSize` packets, dropping the remainder (Quirk: the docstring says it is kept). Groups keep
 * the order of their first packet; groups shorter than a window stay with no windows.
 *
 * @example
 * ```ts
 * groupPacketsByIpFixedSize(packets, ['10.0.0.0/16'], 50)[0]?.client; // e.g. '10.0.0.5/32'
 * ```
 */
export function groupPacketsByIpFixedSize<T extends { readonly src: string; readonly dst: string }>(
  packets: readonly T[],
  clientNetworks: readonly string[],
  windowSize: number,
): HostPairGroup<T>[] {
  requireInt(windowSize, 'windowSize', 1);
  const nets = parseClientNetworks(clientNetworks, 'clientNetworks');
  if (nets.length === 0) return [];
  const groups = new Map<string, { client: string; target: string; packets: T[] }>();
  const clientText = new Map<string, string>();
  for (const p of packets) {
    const src = parseIp(p.src);
    const dst = parseIp(p.dst);
    let client: string | null = null;
    let target = '';
    for (const net of nets) {
      if (src !== null && inNetwork(src, net)) {
        client = p.src;
        target = p.dst;
        break;
      }
      if (dst !== null && inNetwork(dst, net)) {
        client = p.dst;
        target = p.src;
        break;
      }
    }
    if (client === null) continue;
    let key = clientText.get(client);
    if (key === undefined) {
      key = hostNetworkText(client);
      clientText.set(client, key);
    }
    const id = `${key} ${target}`;
    let g = groups.get(id);
    if (g === undefined) {
      g = { client: key, target, packets: [] };
      groups.set(id, g);
    }
    g.packets.push(p);
  }
  return [...groups.values()].map((g) => ({
    client: g.client,
    target: g.target,
    windows: windowPacketsFixedSize(g.packets, windowSize),
  }));
}
