import { optionRangeError, optionTypeError } from '@flowstream/core/internal';
import type { SinkDefinition, SinkOptions } from './flow-sink.js';

/** Checks a count option (`flowsPerFile`, `rotateFiles`): 0 when unset. */
export function countOption(name: string, v: unknown): number {
  if (v === undefined) return 0;
  if (typeof v !== 'number' || !Number.isInteger(v)) throw optionTypeError(name, 'a non-negative integer', v);
  if (v < 0) throw optionRangeError(name, 'a non-negative integer', v);
  return v;
}

/**
 * Checks an output before any packet is read, the same for the library and the CLI: the general
 * rules of file chunks (`flowsPerFile` splits file outputs only, never standard output;
 * `rotateFiles` applies with `flowsPerFile`), then the format's own `check` (folder, URL, settings).
 * Options that would be ignored are refused: the files they promise would never come.
 *
 * @example
 * ```ts
 * await checkTarget(sinkDefinition('csv'), 'flows.csv', { flowsPerFile: 100_000 }); // ok
 * await checkTarget(sinkDefinition('nats'), 'nats://127.0.0.1', { flowsPerFile: 10 }); // RangeError naming flowsPerFile
 * ```
 */
export async function checkTarget(definition: SinkDefinition, target: string, options: SinkOptions): Promise<void> {
  const perFile = countOption('flowsPerFile', options.flowsPerFile);
  const rotate = countOption('rotateFiles', options.rotateFiles);
  if (rotate > 0 && perFile === 0) {
    throw new RangeError(`Invalid option rotateFiles: it applies with flowsPerFile (reusing the chunk names modulo ${rotate}), got flowsPerFile 0.`);
  }
  if (perFile > 0 && definition.target !== 'file') {
    throw new RangeError(`Invalid option flowsPerFile: it applies to file formats, not ${definition.name} (its output is ${definition.target === 'url' ? 'a URL' : 'no file'}).`);
  }
  if (perFile > 0 && target === '-') throw new RangeError('Invalid option flowsPerFile: its chunks are files, and standard output is one stream; give a file.');
  await definition.check?.(target, options);
}
