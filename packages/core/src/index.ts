/**
 * @flowstream/core — capture reading, packet decoding, flow metering and the plugin contract.
 * Data flows one way: bytes → records (capture/) → packets (decode/) → flows (meter/, flow/) →
 * plugins (plugin/).
 * "spec §N.M" in comments refers to docs/nfstream-rules.md (docs/covertmark-rules.md in covertmark/).
 */
export * from './capture/index.js';
export { DecodedPacket } from './decode/decoded-packet.js';
export { IgnoreReason, IGNORE_REASON_NAMES, IGNORE_REASON_COUNT } from './decode/ignore-reason.js';
export { NFlow } from './flow/nflow.js';
export { FlowBatch, uint64Text, cellValue } from './flow/flow-batch.js';
export type { FlowColumn, NumberColumn, StringColumn, ListColumn, ValueColumn } from './flow/flow-batch.js';
export { FLOW_BATCH_ROWS } from './flow/flow-batch-writer.js';
export { flowsToBatch } from './flow/flows-to-batch.js';
export { batchForTransfer, BatchReceiver } from './flow/flow-batch-transfer.js';
export type { TransferredBatch, TransferredColumn } from './flow/flow-batch-transfer.js';
export { pluginFields, declaredFields } from './plugin/plugin-fields.js';
export type { FieldSpec, FieldType } from './flow/field-spec.js';
export { NFPlugin, isPluginInstance } from './plugin/nfplugin.js';
export { PluginPacket } from './plugin/plugin-packet.js';
export { PluginError } from './plugin/plugin-error.js';
export { PacketDecoder, ipv4Text, ipv6Text, macText, ouiText } from './decode/index.js';
export type { PacketDecoderOptions } from './decode/index.js';
export { FlowMeter, EXPIRED_IDLE, EXPIRED_ACTIVE, EXPIRED_CUSTOM, EXPIRED_EVICTED } from './meter/flow-meter.js';
export { meterConfig } from './meter/meter-config.js';
export type { MeterConfig } from './meter/meter-config.js';
export { FlowTable, NO_SLOT } from './meter/flow-table.js';
export { CapturePump, MAX_PENDING_FLOWS } from './meter/capture-pump.js';
export { accountedSize } from './meter/accounted-size.js';
export type { RecordFilter, PacketSink, RecordDecoder } from './meter/capture-pump.js';
export { PacketAccounting } from './meter/packet-accounting.js';
export type { RunSummary, SourceSummary } from './meter/packet-accounting.js';
export { flowColumns } from './flow/flow-columns.js';
export type { ColumnGroups } from './flow/flow-columns.js';
export type { FlowDissector } from './dissect/flow-dissector.js';
export {
  DEFAULT_METERING_OPTIONS,
  METERING_OPTION_NAMES,
  METERING_OPTION_TABLE,
  resolveMeteringOptions,
  unknownOptionError,
  validateMeteringOption,
} from './options/nfstream-options.js';
export type { MeteringOptions, MeteringOptionName, MeteringOptionSpec, ResolvedMeteringOptions } from './options/nfstream-options.js';
export { checkPluginMethodNames } from './options/plugin-method-names.js';
export { optionRangeError, optionTypeError } from './options/option-error.js';
export * from './filter/index.js';
export * from './dissect/index.js';
