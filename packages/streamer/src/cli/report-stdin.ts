import { closeSync, createWriteStream, mkdtempSync, openSync, read, readSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { isatty } from 'node:tty';
import { flowFormatOfBytes, isPipeOrSocket, isRegularFile } from '@flowstream/core/internal';
import type { FlowFileSource } from '../report/flow-file-reader.js';

/** Bytes read at most to tell what standard input holds (a CSV header line ends well within them). */
const HEAD_BYTES = 64 * 1024;
/** Pause between reads of a descriptor its opener left non-blocking, ms. */
const EAGAIN_PAUSE_MS = 5;

/** Flows piped into `flowstream report -`, as a file the report reads: standard input itself when it is a file, else a temporary copy, named `stdin`. */
export interface PipedFlows extends FlowFileSource {
  /** Removes the temporary copy (nothing for a file). */
  dispose(): void;
}

/**
 * What standard input holds for `flowstream report -`: flows written earlier (`flowstream … -f
 * arrows -o - | flowstream report - …`, `cat flows.csv | …`), or a capture (null). A file on
 * standard input is looked at in place. From a pipe, the first bytes must be read to tell: flows
 * are then kept in a temporary file with the rest (Arrow IPC files and Parquet are read from their
 * footer, and the summary of an Arrow stream comes after its flows), and a capture's first bytes
 * go to the pipe reader, which reads them before the rest. A terminal is left to the capture
 * reader (which says it holds no capture).
 *
 * @example
 * ```ts
 * const piped = await pipedFlows();
 * if (piped !== null) try { await reportOfFlowFiles([piped], 'r.html'); } finally { piped.dispose(); }
 * ```
 */
export async function pipedFlows(): Promise<PipedFlows | null> {
  if (isatty(0)) return null;
  if (isRegularFile(0)) {
    const head = Buffer.alloc(HEAD_BYTES);
    // at offset 0, without moving the descriptor: a capture is then read from where it was
    const n = readSync(0, head, 0, head.length, 0);
    return flowFormatOfBytes(head.subarray(0, n)) === null ? null : { path: '/proc/self/fd/0', name: 'stdin', dispose: () => {} };
  }
  // a device or nothing at all: left to the capture reader, which reads it as a stream
  if (!isPipeOrSocket(0)) return null;
  const signals = new PipedSignals();
  let head: Uint8Array;
  try {
    head = await readHead();
  } catch (err) {
    signals.release();
    throw err;
  }
  if (flowFormatOfBytes(head) === null) {
    // a capture: the run takes over the signals (a first one noted here stopped the writer, whose
    // pipe the run reads to its end)
    signals.release();
    const { startStdinPipe } = await import('../run/stdin-pipe.js');
    startStdinPipe(head);
    return null;
  }
  return keepInFile(head, signals);
}

/**
 * SIGINT and SIGTERM while standard input is read for a report: Ctrl-C on `flowstream eth0 -f
 * arrows -o - | flowstream report - …` reaches both, and the writer ends its stream when it stops,
 * as a run does with its outputs; so a first signal is noted and the input read to its end, and a
 * second exits at once, after `onExit` (which removes the copy).
 */
class PipedSignals {
  private signalled = false;
  /** Runs before a second signal exits. */
  onExit: () => void = () => {};

  constructor() {
    process.on('SIGINT', this.handle);
    process.on('SIGTERM', this.handle);
  }

  release(): void {
    process.off('SIGINT', this.handle);
    process.off('SIGTERM', this.handle);
  }

  private readonly handle = (signal: NodeJS.Signals): void => {
    if (!this.signalled) {
      this.signalled = true;
      process.stderr.write(`flowstream: ${signal}: the report is written once standard input ends (a second signal exits at once, writing none)\n`);
      return;
    }
    process.stderr.write(`flowstream: ${signal} again: exiting now; no report is written\n`);
    this.onExit();
    process.exit(128 + (signal === 'SIGINT' ? 2 : 15));
  };
}

/**
 * The first bytes of standard input: enough to tell Arrow, Parquet and captures apart (8), or a
 * whole first line (a CSV header), or all there is. Read on libuv's thread pool, so that signals
 * are handled while the writer has not written yet.
 */
async function readHead(): Promise<Uint8Array> {
  const head = Buffer.alloc(HEAD_BYTES);
  let n = 0;
  while (n < head.length) {
    let got: number;
    try {
      got = await readAt(head, n);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EAGAIN') {
        await new Promise((resolve) => setTimeout(resolve, EAGAIN_PAUSE_MS));
        continue;
      }
      if (code === 'EOF') break;
      throw new Error(`stdin: read failed (${(err as Error).message})`, { cause: err });
    }
    if (got === 0) break;
    n += got;
    // only a text (a CSV header) needs its whole first line; binary formats tell by their first
    // bytes ("ARROW1" and "PAR1" begin with letters too)
    if (n >= 8 && (!startsAsText(head) || head.subarray(0, n).includes(10) || isBinaryFlowFile(head.subarray(0, n)))) break;
  }
  return head.subarray(0, n);
}

/** One read of standard input into `buf` from `at`. */
function readAt(buf: Buffer, at: number): Promise<number> {
  return new Promise((resolve, reject) => read(0, buf, at, buf.length - at, null, (err, n) => (err === null ? resolve(n) : reject(err))));
}

function isBinaryFlowFile(bytes: Uint8Array): boolean {
  const format = flowFormatOfBytes(bytes);
  return format === 'arrow' || format === 'parquet';
}

/** Whether the bytes begin as a CSV header does (a column name's first character). */
function startsAsText(bytes: Uint8Array): boolean {
  const c = bytes[0]!;
  return (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x5f;
}

/** `head` and the rest of standard input in a temporary file, removed by `dispose`, at exit, or before a second signal exits. */
async function keepInFile(head: Uint8Array, signals: PipedSignals): Promise<PipedFlows> {
  const folder = mkdtempSync(join(tmpdir(), 'flowstream-report-'));
  const path = join(folder, 'stdin');
  let removed = false;
  const remove = (): void => {
    if (removed) return;
    removed = true;
    rmSync(folder, { recursive: true, force: true });
    process.off('exit', remove);
    signals.release();
  };
  signals.onExit = remove;
  process.on('exit', remove);
  try {
    const fd = openSync(path, 'w');
    try {
      writeSync(fd, head);
    } finally {
      closeSync(fd);
    }
    await pipeline(process.stdin, createWriteStream(path, { flags: 'a' }));
  } catch (err) {
    remove();
    throw new Error(`stdin: the flows piped in could not be kept in a temporary file in ${tmpdir()} (${(err as Error).message})`, { cause: err });
  }
  return { path, name: 'stdin', dispose: remove };
}
