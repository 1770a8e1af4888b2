// ── Arrow, Parquet, JSON Lines, dataframes, anonymisation, chunk naming ─────────────────────
export { arrowSchemaFor, arrowTypeFor, manifestMetadata } from './arrow-types.js';
export { FlowBatchBuilder, DEFAULT_BATCH_SIZE, inferType, type FlowBatchOptions } from './flow-batch-builder.js';
export {
  toArrowBatches,
  toArrowTable,
  writeArrowFile,
  writeArrowStream,
  summaryPathFor,
  type ArrowWriteOptions,
  type FlowSource,
} from './arrow-writer.js';
export { writeParquet, type ParquetWriteOptions } from './parquet-writer.js';
export { appendParquetMetadata } from './parquet-footer.js';
export { writeJsonl } from './jsonl-writer.js';
export { toPolars } from './polars.js';
export { Anonymizer, ANONYMIZER_WARNING } from './anonymizer.js';
export { chunkPath } from './chunk-path.js';

// ── CSV (lead) ──────────────────────────────────────────────────────────────────────────────
