import type { DecodeState } from '../decode-state.js';
import type { EthertypeDecoder } from './ethertype-decoder.js';
import { decodeMpls } from './mpls.js';
import { decodePppoe } from './pppoe.js';
import { decodeVlan } from './vlan.js';

/** Decoders of the ethertype loop; index 0 is "no decoder". */
const DECODERS: (EthertypeDecoder | null)[] = [null];
/** Ethertype → index into {@link DECODERS} (0: none). 64 KiB, read once per loop turn. */
const BY_TYPE = new Uint8Array(65536);

/** Registers a stage-2 decoder for an ethertype. */
function register(type: number, decoder: EthertypeDecoder): void {
  let i = DECODERS.indexOf(decoder);
  if (i < 0) i = DECODERS.push(decoder) - 1;
  BY_TYPE[type] = i;
}

register(0x8100, decodeVlan);
register(0x8847, decodeMpls);
register(0x8848, decodeMpls);
register(0x8864, decodePppoe);

/**
 * Stage 2 (spec §1.5): apply VLAN / MPLS / PPPoE decoders while `s.type` names one. The type is
 * otherwise not validated (quirk #8). Returns 0 or an `IgnoreReason`.
 */
export function runEthertypeLoop(s: DecodeState): number {
  for (;;) {
    const i = BY_TYPE[s.type & 0xffff];
    if (i === 0) return 0;
    const r = (DECODERS[i] as EthertypeDecoder)(s);
    if (r !== 0) return r;
  }
}
