/**
 * @flowstream/streamer — sources, the NFStreamer, RxJS operators, exporters and the CLI.
 */
import './optional-parts.js';
export { NFStreamer, extensions } from './nfstreamer.js';
export type { NFStreamerOptions, StreamerSource, SourceMode, StreamerExtensions, StreamerSummary, ExportOptions, WriteOptions } from './nfstreamer.js';
export type { RunProgress } from './run/run-progress.js';
export { MeterRun, StepResult, STEP_RECORDS } from './run/meter-run.js';
export type { FlowRun, RunInput } from './run/meter-run.js';
export { FLOWSTREAM_VERSION } from './version.js';
export { flowKey, FLOW_KEY_FIELDS, SNAPSHOT_COLUMNS } from '@flowstream/core';
export type { FlowSnapshot, FlowKeyFields } from '@flowstream/core';
export * from './sinks/index.js';
export { packets } from './rx/packets.js';
export type { PacketsOptions } from './rx/packets.js';
export { meter } from './rx/meter-operator.js';
export type { MeterOperatorOptions } from './rx/meter-operator.js';
export { PacketBatch, DEFAULT_BATCH_PACKETS } from './rx/packet-batch.js';
export { LiveCapture, listInterfaces, resolveInterface, LiveCaptureError, epochClock } from './sources/index.js';
export type { CaptureInterface, LiveCaptureOptions } from './sources/index.js';
export { createExpiryTicker, PerformanceReporter, SystemVisibility } from './live/index.js';
export { windowRows, windowRows$, windowRowsTable } from './windows/window-rows-source.js';
export { writeWindowRows, windowRowsBatch, windowRowsFormat } from './windows/window-rows-output.js';
export * from './report/index.js';
