import { meanShift1d } from './mean-shift.js';
import { requireInt } from './validate.js';
import type { CovertMarkPacket } from './packet.js';

/** `MTU_FRAME_AVOIDANCE_THRESHOLD_CLUSTERING` (analytics/constants.py): longer lengths are skipped. */
export const CLUSTERING_LENGTH_LIMIT = 1300;

/** Groups distinct lengths by MeanShift label, labels 0 … U−1 (spec §8.1 steps 3–4). */
function clusterLengths(lengths: readonly number[], bandwidth: number): Set<number>[] {
  requireInt(bandwidth, 'bandwidth', 1);
  if (lengths.length === 0) return []; // §9.3
  const { labels } = meanShift1d(lengths, bandwidth);
  // Quirk §8.1: U counts distinct labels, so a skipped label leaves an empty set and drops the last.
  const u = new Set(labels).size;
  const out = Array.from({ length: u }, () => new Set<number>());
  labels.forEach((label, i) => {
    if (label < u) out[label]!.add(lengths[i]!);
  });
  return out;
}

/**
 * CovertMark's `ordered_tcp_payload_length_frequency` (spec §8.1): TCP payload lengths (≤ 1300
 * bytes; only TLS-flagged packets when `tlsOnly`) clustered by 1-D MeanShift, as sets of distinct
 * lengths in descending order of centre intensity. No length ⇒ `[]` (§9.3).
 *
 * @example
 * ```ts
 * orderedTcpPayloadLengthFrequency(packets, false, 3); // e.g. [Set {517, 518}, Set {1}]
 * ```
 */
export function orderedTcpPayloadLengthFrequency(
  packets: Iterable<CovertMarkPacket>,
  tlsOnly = false,
  bandwidth = 3,
): Set<number>[] {
  const lengths: number[] = [];
  for (const p of packets) {
    if (p.tcp === null || (tlsOnly && !p.tls)) continue;
    const n = p.tcp.payload.length;
    if (n > CLUSTERING_LENGTH_LIMIT) continue;
    lengths.push(n);
  }
  return clusterLengths(lengths, bandwidth);
}

/**
 * `ordered_udp_payload_length_frequency` as it was meant (spec §8.2, the original always raises):
 * clusters the IP `len` field (≤ 1300) of `UDP` records like {@link orderedTcpPayloadLengthFrequency}.
 *
 * @example
 * ```ts
 * orderedUdpPayloadLengthFrequency(packets, 3);
 * ```
 */
export function orderedUdpPayloadLengthFrequency(packets: Iterable<CovertMarkPacket>, bandwidth = 3): Set<number>[] {
  const lengths: number[] = [];
  for (const p of packets) {
    if (p.proto !== 'UDP' || p.len > CLUSTERING_LENGTH_LIMIT) continue;
    lengths.push(p.len);
  }
  return clusterLengths(lengths, bandwidth);
}
