/**
 * @flowstream/streamer — sources, the NFStreamer, RxJS operators, exporters and the CLI.
 *
 * This root entry is the public API: the NFStreamer and its options, the RxJS operators, the sink
 * contract with its registry and built-in sinks, live capture, CovertMark window rows, the report,
 * and their errors and types. Everything else is internal to the package (its tests import it
 * from src/). `test/public-api.test.ts` pins the list below.
 */
import './optional-parts.js';
export { NFStreamer } from './nfstreamer.js';
export type { NFStreamerOptions, StreamerSource, SourceMode, StreamerSummary } from './nfstreamer.js';
export type { ExportOptions, WriteOptions } from './sinks/export-options.js';
export type { RunProgress } from './run/run-progress.js';
export type { PerformanceReport } from './live/performance-reporter.js';
// flow snapshots: the key that joins snapshot rows with final records
export { flowKey } from '@flowstream/core';
export type { FlowSnapshot, FlowKeyFields } from '@flowstream/core';
// RxJS
export { packets } from './rx/packets.js';
export type { PacketsOptions } from './rx/packets.js';
export { meter } from './rx/meter-operator.js';
export type { MeterOperatorOptions } from './rx/meter-operator.js';
export { PacketBatch, type PacketCounts } from './rx/packet-batch.js';
// sinks: the contract, the registry, the built-in sinks, the transform upstream of every sink
export { SinkError, registerSink, sinkDefinition, sinkNames, OutputTransform } from './sinks/index.js';
export type {
  FlowSink,
  SinkDefinition,
  SinkOptions,
  SinkOpenContext,
  SinkCloseContext,
  SinkResult,
  RunManifest,
  ManifestSource,
  OutputOptions,
} from './sinks/index.js';
export { CsvSink, JsonlSink, NullSink, ArrowIpcSink, ParquetSink, IpfixSink } from './sinks/index.js';
// live capture
export { LiveCapture, LiveCaptureError, listInterfaces } from './sources/index.js';
export type { CaptureInterface, LiveCaptureOptions, LiveCaptureStats } from './sources/index.js';
// CovertMark window rows
export { windowRows, windowRows$, windowRowsTable } from './windows/window-rows-source.js';
export { writeWindowRows } from './windows/window-rows-output.js';
// the report
export { reportData, reportFromFlowFiles } from './report/index.js';
export type { ReportData, TopList, Histogram, HistogramBin, TrafficPoint } from './report/index.js';
