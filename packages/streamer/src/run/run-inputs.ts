import { fstatSync, statSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { createStreamCaptureReader, openCapture } from '@flowstream/core';
import { DescriptorCaptureReader, PipeCaptureReader, type StreamCaptureReader } from '@flowstream/core/internal';
import { hashFile, StreamHash } from './input-hash.js';
import { isPipe, takeStdinPipe } from './stdin-pipe.js';
import type { RunInput } from './meter-run.js';

/** A capture file read synchronously through the core reader; `hash`: SHA-256 it off the main thread. */
export function fileInput(path: string, hash = false): RunInput {
  let size: number | undefined;
  try {
    size = statSync(path).size;
  } catch {
    size = undefined;
  }
  let digest: Promise<string | null> | null = null;
  return {
    name: path,
    size,
    open() {
      const reader = openCapture(path);
      if (hash) digest = hashFile(path);
      return reader;
    },
    sha256: () => digest ?? Promise.resolve(null),
  } as RunInput;
}

/**
 * A Node readable of pcap/pcapng bytes (stdin, a pipe, a socket). Bytes are pulled only when the
 * reader needs them (back-pressure: the stream is not read ahead of the meter).
 */
export function streamInput(readable: Readable | AsyncIterable<Uint8Array>, name: string, hash = false): RunInput {
  let reader: StreamCaptureReader | null = null;
  const hasher = hash ? new StreamHash() : null;
  let iterator: AsyncIterator<Uint8Array | string> | null = null;
  let wake: (() => void) | null = null;
  return {
    name,
    open() {
      reader = createStreamCaptureReader(name);
      iterator = (readable as AsyncIterable<Uint8Array | string>)[Symbol.asyncIterator]();
      return reader;
    },
    waitForData() {
      return new Promise<void>((resolve, reject) => {
        wake = resolve;
        iterator!.next().then(
          (step) => {
            if (wake === null) return; // aborted meanwhile: these bytes are not wanted
            wake = null;
            if (step.done === true) reader!.end();
            else if (typeof step.value === 'string') return reject(new TypeError(`${name}: capture streams must be binary (no encoding set)`));
            else {
              reader!.push(step.value);
              hasher?.update(step.value);
            }
            resolve();
          },
          (err: unknown) => {
            wake = null;
            reject(err);
          },
        );
      });
    },
    sha256: async () => hasher?.digest() ?? null,
    abort() {
      const pending = wake;
      wake = null;
      pending?.();
      // releases the stream (a silent stdin would otherwise keep the process alive); the
      // iterator's return() would wait for the pending read, so the stream is destroyed directly
      const stream = readable as Partial<Readable>;
      if (typeof stream.destroy === 'function') stream.destroy();
      else iterator?.return?.()?.catch(() => {});
    },
  };
}

/**
 * Standard input (`-`). A redirected file (`flowstream - < F`) is read synchronously from
 * descriptor 0 into the reader's window, as a file is. A pipe or a socket (`cat F | flowstream -`)
 * is drained by a worker thread into a shared ring that the parsers read in place; a quiet pipe
 * returns `NeedMore` instead of blocking, so signals, the progress line and idle expiry go on
 * while it waits. A terminal goes through `process.stdin` as a stream.
 */
export function stdinInput(hash = false): RunInput {
  if (isPipe(0)) return stdinPipeInput(hash);
  let file = false;
  try {
    file = fstatSync(0).isFile();
  } catch {
    file = false;
  }
  if (!file) return streamInput(process.stdin, 'stdin', hash);
  const hasher = hash ? new StreamHash() : null;
  return {
    name: 'stdin',
    open() {
      return new DescriptorCaptureReader(0, 'stdin', hasher === null ? null : (bytes) => hasher.update(bytes));
    },
    sha256: async () => hasher?.digest() ?? null,
  };
}

/** Standard input when it is a pipe or a socket: read by a {@link PipeCaptureReader}. */
function stdinPipeInput(hash: boolean): RunInput {
  let reader: PipeCaptureReader | null = null;
  return {
    name: 'stdin',
    open() {
      // the CLI starts reading before the run's modules load (see startStdinPipe)
      reader = takeStdinPipe() ?? new PipeCaptureReader(0, 'stdin');
      if (hash) reader.hashAll();
      return reader;
    },
    waitForData: () => reader!.waitForData(),
    // a stop while the pipe is quiet: the pending wait resolves and the reader thread ends
    abort: () => reader?.close(),
    sha256: () => reader?.sha256() ?? Promise.resolve(null),
  };
}
