/**
 * @flowstream/plugins — NFStream's built-in plugins (spec §10.3).
 *
 * @example
 * ```ts
 * import { SPLT, FlowSlicer, DHCP, MDNS, JA4, WFPlugin } from '@flowstream/plugins';
 * ```
 */
export { SPLT, type SpltOptions } from './splt.js';
export { FlowSlicer } from './flow-slicer.js';
export { DHCP } from './dhcp.js';
export { DHCP_MSG_TYPES } from './dhcp/msg-type.js';
export { MDNS } from './mdns.js';
export { JA4 } from './ja4.js';
export { ja4Fingerprint, CLIENT_HELLO, SERVER_HELLO } from './ja4/ja4-fingerprint.js';
export { Ja4Error } from './ja4/ja4-error.js';
export { WFPlugin, waveletFieldNames, type WFPluginOptions } from './wavelet-features.js';
export { haarSwt } from './wavelet/haar-swt.js';
export { energyFeatures, type EnergyFeatures } from './wavelet/energy-features.js';
