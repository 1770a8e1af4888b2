import { chunkPath, numberedPath } from './files/chunk-path.js';
import { fileFormat } from './file-format.js';
import { natsSinkDefinition } from './nats/nats-sink-definition.js';
import { ipfixSinkDefinition } from './ipfix/ipfix-definition.js';
import { registerSink } from './sink-registry.js';
import type { SinkDefinition } from './flow-sink.js';

/**
 * The built-in output formats, one registration each. Implementations are imported when a sink
 * is created, so start-up loads none of them.
 */

/** The built-in file formats as registered here: a worker thread can make the same sink by name. */
const builtinFileFormats = new Set<SinkDefinition>();

function registerFileFormat(definition: SinkDefinition): void {
  builtinFileFormats.add(definition);
  registerSink(definition);
}

/**
 * True when `definition` is a built-in file format still registered under its name and `target`
 * is a file: such an output can run on a worker thread (`ThreadedSink`). Standard output stays
 * on the main thread (a worker's stdout is relayed through it).
 */
export function canRunOnWorker(definition: SinkDefinition, target: string): boolean {
  return builtinFileFormats.has(definition) && target !== '-';
}

registerFileFormat(
  fileFormat({
    name: 'csv',
    extensions: ['.csv'],
    description: "NFStream's CSV, byte for byte (default; no file when there are no flows)",
    stdout: true,
    chunkName: chunkPath,
    load: async () => {
      const { CsvSink } = await import('./csv/csv-sink.js');
      return (path) => new CsvSink(path);
    },
  }),
);
registerFileFormat(
  fileFormat({
    name: 'arrow',
    extensions: ['.arrow', '.feather'],
    description: 'Arrow IPC file (Feather v2), typed columns, manifest and summary in the footer',
    stdout: true,
    binary: true,
    hashesInputs: true,
    chunkName: numberedPath,
    load: async () => {
      const { ArrowIpcSink } = await import('./arrow/arrow-ipc-sink.js');
      return (path, o) => new ArrowIpcSink(path, { stream: false, batchSize: o.batchSize, warn: o.warn });
    },
  }),
);
registerFileFormat(
  fileFormat({
    name: 'arrows',
    extensions: ['.arrows'],
    description: 'Arrow IPC stream (to a file or stdout), summary in a closing one-row stream',
    stdout: true,
    binary: true,
    hashesInputs: true,
    chunkName: numberedPath,
    load: async () => {
      const { ArrowIpcSink } = await import('./arrow/arrow-ipc-sink.js');
      return (path, o) => new ArrowIpcSink(path, { stream: true, batchSize: o.batchSize, warn: o.warn });
    },
  }),
);
registerFileFormat(
  fileFormat({
    name: 'parquet',
    extensions: ['.parquet'],
    description: 'Parquet (zstd by default), a row group per 65,536 flows, manifest and summary in the footer',
    stdout: true,
    binary: true,
    hashesInputs: true,
    // the codec: refused on an export with no Parquet output, where it would be ignored
    settings: { compression: '--compression' },
    chunkName: numberedPath,
    load: async () => {
      const { ParquetSink } = await import('./parquet/parquet-sink.js');
      return (path, o) => new ParquetSink(path, { batchSize: o.batchSize, compression: o.compression, warn: o.warn });
    },
  }),
);
registerFileFormat(
  fileFormat({
    name: 'jsonl',
    extensions: ['.jsonl', '.ndjson'],
    description: 'JSON Lines, one object per flow',
    stdout: true,
    chunkName: numberedPath,
    load: async () => {
      const { JsonlSink } = await import('./jsonl/jsonl-sink.js');
      return (path) => new JsonlSink(path);
    },
  }),
);
registerSink({
  name: 'none',
  description: 'no output: count packets and flows (with --summary)',
  target: 'none',
  async create() {
    const { NullSink } = await import('./null-sink.js');
    return new NullSink();
  },
});
registerSink(natsSinkDefinition);
registerSink(ipfixSinkDefinition);
