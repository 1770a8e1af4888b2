import type { Readable } from 'node:stream';
import { createStreamCaptureReader, openCapture } from '@flowstream/core';
import { DescriptorCaptureReader, fileStat, isPipeOrSocket, isRegularFile, PipeCaptureReader, type StreamCaptureReader } from '@flowstream/core/internal';
import { hashFile, StreamHash } from './input-hash.js';
import { takeStdinPipe } from './stdin-pipe.js';
import type { RunInput } from './run-input.js';

/** A capture file read synchronously through the core reader; `hash`: SHA-256 it off the main thread. */
export function fileInput(path: string, hash = false): RunInput {
  let size: number | undefined;
  try {
    size = Number(fileStat(path).size);
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
  /** The read in progress: kept across timed-out waits, so no chunk is read twice or dropped. */
  let pending: Promise<void> | null = null;
  /**
   * The stream failed: the reader reports it after the records it holds (as a corrupt record is,
   * so the run hands out the flows so far first); later waits return at once.
   */
  let failed = false;
  let aborted = false;
  /** Waits in progress (their clean-up → their resolve): an abort ends them at once. */
  const waiters = new Map<() => void, () => void>();
  return {
    name,
    open() {
      // a Readable is read once: a second run of the same streamer would find it empty
      const used = readable as Partial<Pick<Readable, 'readableEnded' | 'destroyed'>>;
      if (used.readableEnded === true || used.destroyed === true) {
        throw new Error(`${name}: already read to its end (by an earlier run of this streamer) or closed: a Readable is read once; give a new stream or a file`);
      }
      reader = createStreamCaptureReader(name);
      iterator = (readable as AsyncIterable<Uint8Array | string>)[Symbol.asyncIterator]();
      return reader;
    },
    waitForData(timeoutMs?: number) {
      if (aborted || failed) return Promise.resolve();
      if (pending === null) {
        const read = iterator!.next().then((step) => {
          pending = null;
          if (aborted) return; // these bytes are not wanted
          if (step.done === true) reader!.end();
          else if (typeof step.value === 'string') throw new TypeError(`${name}: capture streams must be binary (no encoding set)`);
          else {
            reader!.push(step.value);
            hasher?.update(step.value);
          }
        });
        pending = read.catch((err: unknown) => {
          pending = null;
          failed = true;
          reader!.fail(err instanceof Error ? err.message : String(err));
        });
      }
      const read = pending;
      return new Promise<void>((resolve) => {
        const end = (): void => {
          if (timer !== null) clearTimeout(timer);
          waiters.delete(end);
        };
        const timer = timeoutMs === undefined ? null : setTimeout(() => (end(), resolve()), timeoutMs);
        waiters.set(end, resolve);
        void read.then(() => (end(), resolve()));
      });
    },
    sha256: async () => hasher?.digest() ?? null,
    abort() {
      aborted = true;
      for (const [end, resolve] of [...waiters]) {
        end();
        resolve();
      }
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
  // a pipe or a socket is read through a worker; a terminal or a file is not
  if (isPipeOrSocket(0)) return stdinPipeInput(hash);
  if (!isRegularFile(0)) return streamInput(process.stdin, 'stdin', hash);
  const hasher = hash ? new StreamHash() : null;
  return {
    name: 'stdin',
    open() {
      return new DescriptorCaptureReader(0, 'stdin', hasher === null ? null : (bytes) => hasher.update(bytes));
    },
    sha256: async () => hasher?.digest() ?? null,
  };
}

/**
 * A capture named by its path: a regular file ({@link fileInput}), or a named pipe (`mkfifo`, a
 * shell's `<(tcpdump -w - …)`), which is read as standard input's pipe is, after a writer opened
 * it (libpcap reads one the same way).
 */
export function pathInput(path: string, hash = false): RunInput {
  return isNamedPipe(path) ? namedPipeInput(path, hash) : fileInput(path, hash);
}

/** True when `path` names a named pipe (links followed). */
export function isNamedPipe(path: string): boolean {
  try {
    return fileStat(path).isFIFO();
  } catch {
    return false;
  }
}

/** A named pipe, read by a {@link PipeCaptureReader} that opens it. */
export function namedPipeInput(path: string, hash = false): RunInput {
  return pipeReaderInput(path, () => new PipeCaptureReader(path, path, { hash }));
}

/** An input read by the {@link PipeCaptureReader} that `open` makes (standard input's pipe, a named pipe). */
function pipeReaderInput(name: string, open: () => PipeCaptureReader): RunInput {
  let reader: PipeCaptureReader | null = null;
  return {
    name,
    open() {
      reader = open();
      return reader;
    },
    waitForData: (timeoutMs?: number) => reader!.waitForData(timeoutMs),
    // a stop while the pipe is quiet: the pending wait resolves and the reader thread ends
    abort: () => reader?.close(),
    sha256: () => reader?.sha256() ?? Promise.resolve(null),
  };
}

/** Standard input when it is a pipe or a socket: read by a {@link PipeCaptureReader}. */
function stdinPipeInput(hash: boolean): RunInput {
  return pipeReaderInput('stdin', () => {
    // the CLI starts reading before the run's modules load (see startStdinPipe)
    const reader = takeStdinPipe() ?? new PipeCaptureReader(0, 'stdin');
    if (hash) reader.hashAll();
    return reader;
  });
}
