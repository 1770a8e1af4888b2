/**
 * `@flowstream/core/internal`: what the other flowstream packages (and the test suites) share
 * with core and users do not need: run plumbing, packet accounting, batch transfer between
 * threads, the option table and its helpers, reader classes, link types, address formatting, BPF
 * and nDPI internals. Not documented and without stability promise; the root entry is the public
 * API.
 *
 * @example
 * ```ts
 * import { CapturePump, meterConfig } from '@flowstream/core/internal';
 * ```
 * @internal
 */
// capture
export { FileCaptureReader } from './capture/file-capture-reader.js';
export { mappedAddress, releaseMappedSegment, viewMappedSegment } from './capture/file-mapping.js';
export { DescriptorCaptureReader } from './capture/descriptor-capture-reader.js';
export { PipeCaptureReader } from './capture/pipe-capture-reader.js';
export type { PipeReaderOptions } from './capture/pipe-capture-reader.js';
export { StreamCaptureReader } from './capture/stream-capture-reader.js';
export { fileStat, isPipeOrSocket, isRegularFile } from './capture/file-stat.js';
export { FLOW_FILE_FORMAT_NAMES, flowFormatOfBytes, type FlowFileFormat } from './capture/flow-file-format.js';
export { libc } from './libc.js';
export { BaseCaptureReader } from './capture/base-capture-reader.js';
export * from './capture/link-types.js';
export { wrapTimeMs, isLaterTime, elapsedMs, unsignedTimeMs } from './capture/time-ms.js';
// decode
export { IGNORE_REASON_COUNT } from './decode/ignore-reason.js';
export { ipv4Text, ipv6Text, macText, ouiText } from './decode/address-text.js';
export { storeAddressWords } from './decode/address-words.js';
// meter and runs
export { CapturePump, MAX_PENDING_FLOWS } from './meter/capture-pump.js';
export type { RecordFilter, PacketSink, RecordDecoder } from './meter/capture-pump.js';
export { meterConfig } from './meter/meter-config.js';
export { accountedSize } from './meter/accounted-size.js';
export { PacketAccounting } from './meter/packet-accounting.js';
export { FlowTable, NO_SLOT } from './meter/flow-table.js';
// flow batches
export { flowColumns } from './flow/flow-columns.js';
export type { ColumnGroups } from './flow/flow-columns.js';
export { emptyDissectionFields, FLOW_BATCH_ROWS } from './flow/flow-batch-writer.js';
export { lastDissectedPacket, writeUndissected } from './dissect/ndpi-dissector.js';
export { flowsToBatch } from './flow/flows-to-batch.js';
export { batchMessage, BatchReceiver } from './flow/flow-batch-transfer.js';
export type { TransferredBatch, TransferredColumn } from './flow/flow-batch-transfer.js';
// plugins
export { isPluginInstance } from './plugin/nfplugin.js';
export { pluginFields, declaredFields } from './plugin/plugin-fields.js';
// options
export { METERING_OPTION_NAMES, METERING_OPTION_TABLE, unknownOptionError, validateMeteringOption } from './options/nfstream-options.js';
export type { MeteringOptionSpec } from './options/nfstream-options.js';
export { MAX_ADDRESS_TEXT, writeIpText, writeMacText, writeOuiText } from './decode/address-text-bytes.js';
export { writeDigits, writeHighLow, writeUint32 } from './decode/decimal-text-bytes.js';
export { AddressTexts, MacTexts } from './flow/flow-batch-writer.js';
export type { WindowBuffers } from './capture/byte-window.js';
export { checkPluginMethodNames } from './options/plugin-method-names.js';
export { optionRangeError, optionTypeError } from './options/option-error.js';
// BPF
export { BpfInterpreter } from './filter/bpf-interpreter.js';
export { BpfProgram, type BpfEngine } from './filter/bpf-program.js';
export { generateBpfFunction, generateBpfSource, type BpfRunFunction } from './filter/bpf-codegen.js';
export { validateBpf } from './filter/bpf-validate.js';
export { loadLibpcap, openLibpcapLibrary, type Libpcap, type LibpcapLibrary, type LibpcapCompileResult, type RawBpfInsn } from './filter/libpcap.js';
export * from './filter/bpf-opcodes.js';
// nDPI
export { NDPI_NAME_RENAMES, compatConfidence, compatProtocolName } from './dissect/ndpi-compat.js';
// flow snapshots
export { FlowKeyTexts, fnv1a64 } from './flow/flow-key.js';
export { snapshotColumns } from './flow/flow-snapshot.js';
export { addressFieldsOf, keepsResultsInInstance, takesSnapshots } from './plugin/nfplugin.js';
export { SnapshotTracker } from './meter/snapshot-tracker.js';
export { waitAsync } from './capture/wait-async.js';
export { objectArray } from './shapes/object-array.js';
export { variableFields } from './shapes/variable-fields.js';
