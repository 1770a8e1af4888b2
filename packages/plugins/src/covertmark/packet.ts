import { byteEntropy } from './byte-entropy.js';

/** The TCP part of a CovertMark packet record (spec §1). */
export interface CovertMarkTcp {
  /** 32-bit sequence number as on the wire. */
  readonly seq: number;
  /** TCP flag byte (FIN 0x01 … CWR 0x80). */
  readonly flags: number;
  /** Segment data after the TCP header, bounded by the IP length field and the capture. */
  readonly payload: Uint8Array;
}

/**
 * CovertMark's packet record (spec §1; also the JSON shape of the golden vectors, with the payload
 * decoded to bytes).
 */
export interface CovertMarkPacket {
  /** Capture time in seconds: the float of the six-decimal text (spec §1.1). */
  time: number;
  readonly src: string;
  readonly dst: string;
  /** dpkt's transport class name: `TCP`, `UDP`, `ICMP`, … or `bytes`. */
  readonly proto: string;
  /** IP length field: IPv4 total length, IPv6 payload length. */
  readonly len: number;
  readonly tcp: CovertMarkTcp | null;
  readonly tls: boolean;
}

/**
 * What window statistics need of a packet: the record without its payload bytes (only their
 * length and, when wanted, entropy). Flow plugins and the capture pipeline keep these instead of
 * payloads.
 */
export interface WindowPacket {
  readonly time: number;
  readonly src: string;
  readonly dst: string;
  readonly tcp: WindowTcp | null;
}

/** TCP fields of a {@link WindowPacket}. */
export interface WindowTcp {
  readonly seq: number;
  readonly flags: number;
  readonly payloadLength: number;
  /** `byteEntropy(payload)`, or NaN when it was not computed (entropy group off). */
  readonly entropy: number;
}

/**
 * Reduces a packet record to a {@link WindowPacket}; computes the payload entropy only when
 * `withEntropy` is true.
 *
 * @example
 * ```ts
 * toWindowPacket(packet, true).tcp?.entropy;
 * ```
 */
export function toWindowPacket(packet: CovertMarkPacket, withEntropy: boolean): WindowPacket {
  const t = packet.tcp;
  return {
    time: packet.time,
    src: packet.src,
    dst: packet.dst,
    tcp:
      t === null
        ? null
        : {
            seq: t.seq,
            flags: t.flags,
            payloadLength: t.payload.length,
            entropy: withEntropy ? byteEntropy(t.payload) : NaN,
          },
  };
}
