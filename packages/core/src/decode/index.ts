export { PacketDecoder } from './packet-decoder.js';
export type { PacketDecoderOptions } from './packet-decoder.js';
export { DecodedPacket } from './decoded-packet.js';
export { IgnoreReason, IGNORE_REASON_NAMES, IGNORE_REASON_COUNT } from './ignore-reason.js';
export { ipv4Text, ipv6Text, macText, ouiText } from './address-text.js';
export { Dlt, SUPPORTED_DLTS } from './link/link-registry.js';
