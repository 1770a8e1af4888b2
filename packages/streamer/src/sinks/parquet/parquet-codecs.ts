/**
 * Parquet codecs by option value (`compression`), zstd the default: a module of its own so that
 * the command line checks `--compression` without loading the Parquet writer.
 *
 * @example
 * ```ts
 * PARQUET_CODECS.includes('snappy'); // true
 * ```
 */
export const PARQUET_CODECS = ['zstd', 'snappy', 'lz4_raw', 'gzip', 'uncompressed'] as const;
export type ParquetCodec = (typeof PARQUET_CODECS)[number];
