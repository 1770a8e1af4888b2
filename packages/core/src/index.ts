/**
 * @flowstream/core — capture reading, packet decoding, flow metering and the plugin contract.
 * Data flows one way: bytes → records (capture/) → packets (decode/) → flows (meter/, flow/) →
 * plugins (plugin/).
 * "spec §N.M" in comments refers to docs/nfstream-rules.md (docs/covertmark-rules.md in covertmark/).
 *
 * This root entry is the public API: what the README's API overview names, and the types its
 * signatures use. What the flowstream packages share beyond it is in `@flowstream/core/internal`
 * (undocumented, no stability promise). `test/public-api.test.ts` pins the list below.
 */
// capture: files and streams → records
export { openCapture } from './capture/open-capture.js';
export { createStreamCaptureReader, readCaptureStream, captureRecords } from './capture/stream-capture-reader.js';
export type { StreamCaptureReader } from './capture/stream-capture-reader.js';
export type { FileCaptureReader } from './capture/file-capture-reader.js';
export type { CaptureReader, CaptureFormat, CaptureDrops } from './capture/capture-reader.js';
export { CaptureRecord } from './capture/capture-record.js';
export { ReadStatus } from './capture/read-status.js';
export { CaptureError } from './capture/capture-error.js';
// decode: records → packets
export { PacketDecoder } from './decode/packet-decoder.js';
export type { PacketDecoderOptions } from './decode/packet-decoder.js';
export { DecodedPacket } from './decode/decoded-packet.js';
export { IgnoreReason, IGNORE_REASON_NAMES } from './decode/ignore-reason.js';
// meter and flows: packets → flows
export { FlowMeter, EXPIRED_IDLE, EXPIRED_ACTIVE, EXPIRED_CUSTOM, EXPIRED_EVICTED } from './meter/flow-meter.js';
export type { MeterConfig } from './meter/meter-config.js';
export type { RunSummary, SourceSummary } from './meter/packet-accounting.js';
export { NFlow } from './flow/nflow.js';
export { FlowBatch, uint64Text, cellValue } from './flow/flow-batch.js';
export type { FlowColumn, NumberColumn, StringColumn, ListColumn, ValueColumn } from './flow/flow-batch.js';
export { flowKey, FLOW_KEY_FIELDS } from './flow/flow-key.js';
export type { FlowKeyFields } from './flow/flow-key.js';
export { SNAPSHOT_COLUMNS } from './flow/flow-snapshot.js';
export type { FlowSnapshot } from './flow/flow-snapshot.js';
export type { FieldSpec, FieldType } from './flow/field-spec.js';
// plugins
export { NFPlugin } from './plugin/nfplugin.js';
export { PluginPacket } from './plugin/plugin-packet.js';
export { PluginError } from './plugin/plugin-error.js';
// options
export { DEFAULT_METERING_OPTIONS, resolveMeteringOptions } from './options/nfstream-options.js';
export type { MeteringOptions, MeteringOptionName, ResolvedMeteringOptions } from './options/nfstream-options.js';
// BPF filters and nDPI
export { BpfFilter } from './filter/bpf-filter.js';
export { compileBpf } from './filter/compile-bpf.js';
export { BpfCompileError } from './filter/bpf-compile-error.js';
export type { BpfProgram } from './filter/bpf-program.js';
export { loadNdpi, ndpiVersion } from './dissect/ndpi-library.js';
export type { NdpiLibrary } from './dissect/ndpi-library.js';
export { createNdpiDissector } from './dissect/ndpi-dissector.js';
export type { DissectionSink, FlowDissector } from './dissect/flow-dissector.js';
export type { DissectionFields } from './flow/flow-batch-writer.js';
