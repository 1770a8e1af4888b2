import { statSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { createStreamCaptureReader, openCapture, type StreamCaptureReader } from '@flowstream/core';
import type { RunInput } from './meter-run.js';

/** A capture file read synchronously through the core reader. */
export function fileInput(path: string): RunInput {
  let size: number | undefined;
  try {
    size = statSync(path).size;
  } catch {
    size = undefined;
  }
  return { name: path, size, open: () => openCapture(path) } as RunInput;
}

/**
 * A Node readable of pcap/pcapng bytes (stdin, a pipe, a socket). Bytes are pulled only when the
 * reader needs them (back-pressure: the stream is not read ahead of the meter).
 */
export function streamInput(readable: Readable | AsyncIterable<Uint8Array>, name: string): RunInput {
  let reader: StreamCaptureReader | null = null;
  let iterator: AsyncIterator<Uint8Array | string> | null = null;
  return {
    name,
    open() {
      reader = createStreamCaptureReader(name);
      iterator = (readable as AsyncIterable<Uint8Array | string>)[Symbol.asyncIterator]();
      return reader;
    },
    async waitForData() {
      const step = await iterator!.next();
      if (step.done === true) {
        reader!.end();
        return;
      }
      if (typeof step.value === 'string') throw new TypeError(`${name}: capture streams must be binary (no encoding set)`);
      reader!.push(step.value);
    },
  };
}
