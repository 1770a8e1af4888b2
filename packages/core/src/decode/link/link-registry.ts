import type { DecodeState } from '../decode-state.js';
import { IgnoreReason } from '../ignore-reason.js';
import { decodeEthernet } from './ethernet.js';
import { decodeDltIpv4, decodeDltIpv6 } from './ip-dlt.js';
import type { LinkDecoder } from './link-decoder.js';
import { decodeLinuxSll } from './linux-sll.js';
import { decodeLinuxSll2 } from './linux-sll2.js';
import { decodeNull } from './null.js';
import { decodePpp } from './ppp.js';
import { decodePppSerial } from './ppp-serial.js';
import { decodeRadiotap } from './radiotap.js';
import { decodeRaw } from './raw.js';

/** DLT values the decoder knows (spec §1.1; 276 is our documented extension). */
export const Dlt = {
  NULL: 0,
  EN10MB: 1,
  PPP: 9,
  RAW: 12,
  PPP_SERIAL: 50,
  C_HDLC: 104,
  LINUX_SLL: 113,
  IEEE802_11_RADIO: 127,
  IPV4: 228,
  IPV6: 229,
  LINUX_SLL2: 276,
} as const;

function unsupported(_s: DecodeState): number {
  return IgnoreReason.UnsupportedLinkType;
}

/** Link decoders indexed by DLT; one registration line per link type. */
const LINK_DECODERS: LinkDecoder[] = new Array<LinkDecoder>(Dlt.LINUX_SLL2 + 1).fill(unsupported);
LINK_DECODERS[Dlt.NULL] = decodeNull;
LINK_DECODERS[Dlt.EN10MB] = decodeEthernet;
LINK_DECODERS[Dlt.PPP] = decodePpp;
LINK_DECODERS[Dlt.RAW] = decodeRaw;
LINK_DECODERS[Dlt.PPP_SERIAL] = decodePppSerial;
LINK_DECODERS[Dlt.C_HDLC] = decodePpp;
LINK_DECODERS[Dlt.LINUX_SLL] = decodeLinuxSll;
LINK_DECODERS[Dlt.IEEE802_11_RADIO] = decodeRadiotap;
LINK_DECODERS[Dlt.IPV4] = decodeDltIpv4;
LINK_DECODERS[Dlt.IPV6] = decodeDltIpv6;
LINK_DECODERS[Dlt.LINUX_SLL2] = decodeLinuxSll2;

/** The link decoder for a DLT (a decoder that ignores every frame for unknown DLTs). */
export function linkDecoderFor(dlt: number): LinkDecoder {
  return dlt >= 0 && dlt < LINK_DECODERS.length ? LINK_DECODERS[dlt] : unsupported;
}

/** DLTs with a decoder (for tests and documentation). */
export const SUPPORTED_DLTS: readonly number[] = Object.values(Dlt);
