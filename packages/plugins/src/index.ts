/**
 * @flowstream/plugins — NFStream's built-in plugins (spec §10.3). The root entry is the plugins
 * and their option types; the CovertMark port is `@flowstream/plugins/covertmark`.
 * `test/public-api.test.ts` pins the list below.
 *
 * @example
 * ```ts
 * import { SPLT, FlowSlicer, DHCP, MDNS, JA4, WFPlugin } from '@flowstream/plugins';
 * ```
 */
export { SPLT, type SpltOptions } from './splt.js';
export { FlowSlicer } from './flow-slicer.js';
export { DHCP } from './dhcp.js';
export { MDNS } from './mdns.js';
export { JA4 } from './ja4.js';
export { WFPlugin, type WFPluginOptions } from './wavelet-features.js';
