/**
 * `@flowstream/core/internal`: what the other flowstream packages share with core and users do
 * not need (run plumbing, packet accounting, the option table's helpers, address formatting).
 * Not documented and without stability promise; the root entry is the public API.
 *
 * @example
 * ```ts
 * import { CapturePump, meterConfig } from '@flowstream/core/internal';
 * ```
 * @internal
 */
export { CapturePump, MAX_PENDING_FLOWS } from './meter/capture-pump.js';
export type { RecordFilter, PacketSink, RecordDecoder } from './meter/capture-pump.js';
export { meterConfig } from './meter/meter-config.js';
export type { MeterConfig } from './meter/meter-config.js';
export { accountedSize } from './meter/accounted-size.js';
export { PacketAccounting } from './meter/packet-accounting.js';
export { FlowTable, NO_SLOT } from './meter/flow-table.js';
export { flowColumns } from './flow/flow-columns.js';
export type { ColumnGroups } from './flow/flow-columns.js';
export { ipv4Text, ipv6Text, macText, ouiText } from './decode/index.js';
export { linkTypeToDlt } from './capture/link-types.js';
export type { StreamCaptureReader } from './capture/index.js';
export type { WindowBuffers } from './capture/byte-window.js';
export { DEFAULT_METERING_OPTIONS, METERING_OPTION_NAMES, unknownOptionError } from './options/nfstream-options.js';
export { checkPluginMethodNames } from './options/plugin-method-names.js';
