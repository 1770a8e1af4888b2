import { countOption } from './check-target.js';
import { checkOutputPath } from './files/output-file.js';
import { RotatingSink } from './files/rotating-sink.js';
import type { FlowSink, SinkDefinition, SinkOptions } from './flow-sink.js';

/**
 * A file format's definition: the target is checked before reading starts, `-` is standard
 * output where the format allows it, and `flowsPerFile` splits any format into numbered files.
 */
export function fileFormat(spec: {
  name: string;
  description: string;
  extensions: readonly string[];
  stdout: boolean;
  /** Binary bytes: refused on a terminal (`-o -` with standard output a terminal). */
  binary?: boolean;
  hashesInputs?: boolean;
  /** Options only this format reads, with their flags (`SinkDefinition.settings`); none by default. */
  settings?: Readonly<Record<string, string>>;
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
    // flowsPerFile, rotateFiles and batchSize are general export options
    settings: spec.settings ?? {},
    // the chunk options' rules are every output's (`checkTarget`, which calls this after them)
    async check(target) {
      if (target === '-') {
        if (!spec.stdout) throw new RangeError(`--format ${spec.name} cannot be written to standard output: give a file with -o`);
        if (spec.binary === true && process.stdout.isTTY === true) throw new RangeError(`--format ${spec.name} is binary and standard output is a terminal: redirect it (> flows${spec.extensions[0]}, | …) or give a file with -o`);
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
