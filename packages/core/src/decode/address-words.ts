import type { DecodedPacket } from './decoded-packet.js';

/**
 * Stores a packet's eight address words (source 0–3, then destination 0–3) at `at` in `to`: the
 * layout of a flow key and of a packet handed to a meter worker. Words are unsigned 32-bit values,
 * stored as their bits; read them back with `>>> 0`.
 *
 * @example
 * ```ts
 * const words = new Int32Array(8);
 * storeAddressWords(packet, words, 0); // words[0] is packet.src0's bits
 * ```
 */
export function storeAddressWords(p: DecodedPacket, to: Int32Array, at: number): void {
  to[at] = p.src0;
  to[at + 1] = p.src1;
  to[at + 2] = p.src2;
  to[at + 3] = p.src3;
  to[at + 4] = p.dst0;
  to[at + 5] = p.dst1;
  to[at + 6] = p.dst2;
  to[at + 7] = p.dst3;
}
