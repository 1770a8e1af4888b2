// The one way out of the meter: the sink contract, the registry of formats, the built-in sinks
// and the transforms applied upstream of every sink.
import './builtin-sinks.js';
export { SinkError } from './flow-sink.js';
export type { FlowSink, SinkDefinition, SinkOptions, SinkOpenContext, SinkCloseContext, SinkResult } from './flow-sink.js';
export type { RunManifest, ManifestSource } from './run-manifest.js';
export { registerSink, sinkDefinition, sinkNames, sinkDefinitions } from './sink-registry.js';
export { OutputTransform, type OutputOptions } from './transform/output-transform.js';
export { Anonymizer } from './transform/anonymizer.js';
export { CsvSink } from './csv/csv-sink.js';
export { csvCell } from './csv/csv-rows.js';
export { pythonFloat, pythonRepr, pythonStr, pythonStrRepr } from './csv/python-format.js';
export { JsonlSink } from './jsonl/jsonl-sink.js';
export { NullSink } from './null-sink.js';
export { ArrowIpcSink } from './arrow/arrow-ipc-sink.js';
export { ArrowEncoder, DEFAULT_BATCH_SIZE, inferType, type ArrowEncoderOptions } from './arrow/arrow-encoder.js';
export { arrowSchemaFor, arrowTypeFor } from './arrow/arrow-schema.js';
export { manifestMetadata } from './arrow/manifest-metadata.js';
export { ParquetSink, PARQUET_CODECS } from './parquet/parquet-sink.js';
export { appendParquetMetadata } from './parquet/parquet-footer.js';
export { toPolars } from './arrow/polars.js';
export { chunkPath, numberedPath } from './files/chunk-path.js';
export { RotatingSink } from './files/rotating-sink.js';
export { natsSinkDefinition } from './nats/nats-sink-definition.js';
export { natsSettings, type NatsSettings, type NatsEncoding } from './nats/nats-settings.js';
export { parseNatsTarget, type NatsTarget } from './nats/nats-target.js';
export { HEADERS as NATS_HEADERS, CONTENT_TYPES as NATS_CONTENT_TYPES, messageId as natsMessageId } from './nats/message-layout.js';
export type { CollectOptions, CollectResult } from './nats/collect/dataset-collector.js';
