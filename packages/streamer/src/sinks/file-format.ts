import { optionRangeError, optionTypeError } from '@flowstream/core/internal';
import { checkOutputPath } from './files/output-file.js';
import { RotatingSink } from './files/rotating-sink.js';
import type { FlowSink, SinkDefinition, SinkOptions } from './flow-sink.js';

/** Checks a count option (`flowsPerFile`, `rotateFiles`). */
export function countOption(name: string, v: unknown): number {
  if (v === undefined) return 0;
  if (typeof v !== 'number' || !Number.isInteger(v)) throw optionTypeError(name, 'a non-negative integer', v);
  if (v < 0) throw optionRangeError(name, 'a non-negative integer', v);
  return v;
}

/**
 * A file format's definition: the target is checked before reading starts, `-` is standard
 * output where the format allows it, and `flowsPerFile` splits any format into numbered files.
 */
export function fileFormat(spec: {
  name: string;
  description: string;
  extensions: readonly string[];
  stdout: boolean;
  hashesInputs?: boolean;
  chunkName: (path: string, chunk: number, rotateFiles: number) => string;
  load: () => Promise<(path: string, options: SinkOptions) => FlowSink>;
}): SinkDefinition {
  return {
    name: spec.name,
    description: spec.description,
    extensions: spec.extensions,
    target: 'file',
    stdout: spec.stdout,
    hashesInputs: spec.hashesInputs ?? false,
    // flowsPerFile, rotateFiles, batchSize and compression are general export options
    settings: {},
    async check(target, options) {
      const perFile = countOption('flowsPerFile', options.flowsPerFile);
      const rotate = countOption('rotateFiles', options.rotateFiles);
      // options that would be ignored are refused: the files they promise would never come
      if (rotate > 0 && perFile === 0) throw new RangeError(`Invalid option rotateFiles: it applies with flowsPerFile (reusing the chunk names modulo ${rotate}), got flowsPerFile 0.`);
      if (target === '-') {
        if (perFile > 0) throw new RangeError('Invalid option flowsPerFile: its chunks are files, and standard output is one stream; give a file.');
        if (!spec.stdout) throw new RangeError(`--format ${spec.name} cannot be written to standard output: give a file with -o`);
        return;
      }
      await checkOutputPath(target);
    },
    async create(target, options) {
      const make = await spec.load();
      const perFile = countOption('flowsPerFile', options.flowsPerFile);
      if (perFile === 0 || target === '-') return make(target, options);
      const rotate = countOption('rotateFiles', options.rotateFiles);
      return new RotatingSink(target, perFile, (i) => spec.chunkName(target, i, rotate), (p) => make(p, options));
    },
  };
}
