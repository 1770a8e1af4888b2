import { createHash } from 'node:crypto';
import { closeSync, constants, openSync, writeSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { BaseCaptureReader } from './base-capture-reader.js';
import { fileStat } from './file-stat.js';
import { koffiModulePath } from '../koffi.js';
import { ByteWindow, type WindowLender } from './byte-window.js';
import { waitAsync, type AsyncWait } from './wait-async.js';
import { PIPE_CONTROL_WORDS, PIPE_HASH_TOO_LATE, PIPE_WAKE_BYTES, PIPE_WORKER_SOURCE, PipeCtl, PipeState, type PipeWorkerData } from './pipe-reader-worker.js';

/** Default ring size (a power of two): the writer runs this far ahead of the meter. */
const RING_BYTES = 8 * 1024 * 1024;
/** Default bytes before the ring where a record that straddles its end is made whole; larger records are copied aside. */
const HEADROOM_BYTES = 512 * 1024;

// the pipe entry point's callers (the CLI's early stdin reader) ask this before loading more
export { isPipeOrSocket } from './file-stat.js';

/** Options of a {@link PipeCaptureReader}. */
export interface PipeReaderOptions {
  /** The worker computes the SHA-256 of every byte ({@link PipeCaptureReader.sha256}). */
  hash?: boolean;
  /** Ring size in bytes, a power of two of at least 128 KiB (default 8 MiB). */
  ringBytes?: number;
  /** Room before the ring for records that straddle its end (default 512 KiB). */
  headroomBytes?: number;
  /**
   * Bytes already taken from the descriptor (to tell what it holds), read before the rest: they
   * begin the ring as if the worker had read them. At most a quarter of the ring.
   */
  prefix?: Uint8Array;
}
/** Longest wait in {@link PipeCaptureReader.close} for the worker to finish loading a native module. */
const NATIVE_WAIT_MS = 5000;
/** Pause between wakes of a worker that may still be entering its `open` of a named pipe (see {@link PipeCaptureReader.close}). */
const WAKE_AGAIN_MS = 20;
/** Bytes lent per call at most, so that consumed bytes go back to the writer often. */
const LEND_BYTES = 1024 * 1024;

/**
 * Reader of a pipe or a socket (`cat F | flowstream -`, `tcpdump -w - | flowstream -`) through a
 * worker thread: the worker reads the descriptor into a shared ring as bytes arrive, and the
 * parsers read the records in place, in the ring (no copy, no chunk objects). The pipe is drained
 * while the meter works, so the writer is not held up by the meter's pauses, and this thread
 * never waits in a `read`: when the ring is empty `next()` returns `ReadStatus.NeedMore` and
 * {@link waitForData} resolves when bytes arrive (or the writer closes), so a quiet pipe never
 * stops signals, timers or the progress line. Records, summaries and errors are the stream
 * reader's; the format is sniffed from the first bytes. {@link close} ends the worker, also while
 * it waits for a quiet pipe. A socket's descriptor is closed with the worker; a pipe's is left open.
 *
 * `source` is a descriptor (standard input: 0), or the path of a named pipe (`mkfifo`, or a
 * shell's `<(cmd)`, which names `/dev/fd/N`): the worker opens it, waiting for a writer as
 * libpcap does, and closes it at the end; {@link close} also ends that wait.
 *
 * `options.hash`: the worker computes the SHA-256 of every byte ({@link sha256}).
 *
 * @example
 * ```ts
 * const reader = new PipeCaptureReader(0, 'stdin');
 * for (;;) {
 *   const status = reader.next(record);
 *   if (status === ReadStatus.Record) handle(record);
 *   else if (status === ReadStatus.NeedMore) await reader.waitForData();
 *   else break;
 * }
 * reader.close();
 * ```
 */
export class PipeCaptureReader extends BaseCaptureReader {
  /**
   * Records stay in the pipe's own ring, which the reader worker reuses on its own schedule: a
   * consumer that keeps records in place (parallel meters) gets them copied instead.
   */
  override useBuffers(): void {}

  /** Unknown for pipes. */
  readonly size = -1;
  private readonly lender: RingLender;
  private readonly worker: Worker;
  /** Resolves when the worker ended (its messages were delivered before). */
  private readonly exited: Promise<void>;
  private digest: string | null = null;
  private waiting: (() => void) | null = null;
  private closed = false;
  /** Where {@link close} writes to wake a blocked worker: the named pipe, or the descriptor through `/proc`. */
  private readonly wakePath: string;
  /** The worker opens a named pipe itself (see {@link close}). */
  private readonly named: boolean;
  /** The worker reads with blocking `read`s (see {@link PIPE_WORKER_SOURCE}). */
  private readonly blocking: boolean;

  constructor(source: number | string, name: string, options: PipeReaderOptions = {}) {
    const ringBytes = options.ringBytes ?? RING_BYTES;
    const headroom = options.headroomBytes ?? HEADROOM_BYTES;
    // the worker keeps reading while the ring has room for a whole pipe's worth
    if (ringBytes < 2 * PIPE_WAKE_BYTES || (ringBytes & (ringBytes - 1)) !== 0) throw new RangeError(`ringBytes must be a power of two ≥ ${2 * PIPE_WAKE_BYTES}`);
    const window = new ByteWindow(0, null);
    super(name, window);
    const control = new SharedArrayBuffer(PIPE_CONTROL_WORDS * 4);
    const data = new SharedArrayBuffer(headroom + ringBytes);
    this.lender = new RingLender(new Int32Array(control), new Uint8Array(data), headroom);
    window.lender = this.lender;
    window.buf = this.lender.memory;
    const path = typeof source === 'string' ? source : null;
    const st = fileStat(source);
    if (path !== null && !st.isFIFO()) throw new TypeError(`${path}: not a named pipe`);
    // a socket cannot be woken from a blocking read: the worker's event loop waits for it instead
    this.blocking = !st.isSocket();
    this.named = path !== null;
    this.wakePath = path ?? `/proc/self/fd/${source}`;
    const koffi = this.blocking && process.platform === 'linux' ? koffiModulePath() : null;
    const fd = path === null ? (source as number) : -1;
    const written = this.lender.prepend(options.prefix);
    const workerData: PipeWorkerData = { fd, path, control, data, headroom, blocking: this.blocking, koffi, resume: this.lender.resume, written };
    if (options.hash === true) this.hashAll();
    this.worker = new Worker(PIPE_WORKER_SOURCE, { eval: true, workerData, name: path === null ? `flowstream-pipe-${fd}` : 'flowstream-pipe' });
    this.worker.on('message', (m: { sha256?: string; error?: string }) => {
      if (m.sha256 !== undefined) this.digest = m.sha256;
      if (m.error !== undefined) this.fail(`read failed (${m.error})`);
    });
    this.worker.on('error', (err) => this.fail(`reader thread failed (${err.message})`));
    this.exited = new Promise((resolve) =>
      this.worker.on('exit', () => {
        resolve();
        this.wake();
      }),
    );
  }

  /**
   * Resolves when `next()` can make progress again: bytes arrived, the writer closed, or the
   * reader was closed; or after `timeoutMs` when given.
   */
  waitForData(timeoutMs?: number): Promise<void> {
    if (this.closed || this.readFailed) return Promise.resolve();
    const wait = this.lender.waitForNews(timeoutMs);
    if (!wait.async) return Promise.resolve();
    return new Promise<void>((resolve) => {
      this.waiting = resolve;
      void (wait.value as Promise<string>).then(() => this.wake());
    });
  }

  /**
   * Asks for the SHA-256 of every byte ({@link sha256}), also of those the worker read before
   * this call. Only before the first `next()`: the worker still holds every byte read.
   */
  hashAll(): void {
    if (this.lender.lent) throw new Error(`${this.name}: hashAll() after reading began`);
    // the worker read the whole input before being asked: every byte is still in the ring
    const all = this.lender.hashAll();
    if (all !== null) this.digest = createHash('sha256').update(all).digest('hex');
  }

  /**
   * SHA-256 (hex) of the whole input once it was read to its end and the reader closed; null
   * when not hashed or stopped early.
   */
  async sha256(): Promise<string | null> {
    if (this.digest === null) await this.exited;
    return this.digest;
  }

  /** Stops reading and ends the worker; later `next()` calls return `End` (or `Error`). Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.window.consumeAll();
    this.window.ended = true;
    if (this.lender.stop() && this.blocking) {
      const target = this.wakePath;
      wakeBlockedRead(target);
      // a worker that was just about to open a named pipe misses that wake (no reader yet, the
      // open for writing fails): wake it again until it ends, which it does at once once woken
      if (this.named) {
        const again = setInterval(() => wakeBlockedRead(target), WAKE_AGAIN_MS);
        void this.exited.then(() => clearInterval(again));
      }
    }
    // never while the worker loads a native module: terminating it then aborts the process
    this.lender.awaitNative(NATIVE_WAIT_MS);
    void this.worker.terminate();
    this.wake();
  }

  private fail(message: string): void {
    this.failRead(message);
    this.wake();
  }

  private wake(): void {
    const waiting = this.waiting;
    this.waiting = null;
    waiting?.();
  }
}

/**
 * The main thread's side of the ring: lends the window the bytes between what was consumed and
 * what the worker published. Ring offset `x` is `memory[headroom + x]`; a record that straddles
 * the ring's end is copied into the headroom just before offset 0, so it is whole and the bytes
 * after it are still read in place.
 */
class RingLender implements WindowLender {
  private readonly size: number;
  private readonly mask: number;
  /** Free bytes a sleeping worker waits for (see `PipeWorkerData.resume`): a quarter of the ring, at least a pipe's worth. */
  readonly resume: number;
  /** `Events` as last seen: a wait starts from it. */
  private seen = 0;
  private spill: Uint8Array | null = null;

  constructor(
    private readonly control: Int32Array,
    /** Headroom, then the ring. */
    readonly memory: Uint8Array,
    private readonly headroom: number,
  ) {
    this.size = memory.length - headroom;
    this.mask = this.size - 1;
    this.resume = Math.max(this.size / 4, PIPE_WAKE_BYTES);
  }

  /** True once the window was lent bytes (the ring is being given back). */
  lent = false;

  lend(w: ByteWindow, n: number): boolean {
    this.lent = true;
    const position = w.position;
    this.release(position);
    // `Write` is final once the state says so: read the state first
    this.seen = Atomics.load(this.control, PipeCtl.Events);
    const state = Atomics.load(this.control, PipeCtl.State);
    const written = Atomics.load(this.control, PipeCtl.Write);
    const available = (written - position) | 0;
    let take = Math.min(available, Math.max(n, LEND_BYTES));
    const at = position & this.mask;
    const tail = this.size - at;
    const h = this.headroom;
    if (take <= tail) {
      this.map(w, this.memory, h + at, take, position);
    } else if (tail >= n) {
      // the bytes asked for end before the ring does: lend up to its end, in place; the next lend
      // starts at offset 0 (copying the tail at every wrap was ~2 % of the main thread's profile
      // on a pipe: a copy within shared memory is a relaxed, word-by-word one)
      take = tail;
      this.map(w, this.memory, h + at, take, position);
    } else if (tail <= h) {
      // a record straddles the end: its head (less than a record) goes into the headroom, right
      // before offset 0
      this.memory.copyWithin(h - tail, h + at, h + this.size);
      this.map(w, this.memory, h - tail, take, position);
    } else {
      // a record larger than the headroom straddles the end (rare): copy that record aside
      take = Math.min(take, n);
      if (this.spill === null || this.spill.length < take) this.spill = new Uint8Array(Math.max(take, 2 * (this.spill?.length ?? 0)));
      this.spill.set(this.memory.subarray(h + at, h + this.size), 0);
      this.spill.set(this.memory.subarray(h, h + take - tail), tail);
      this.map(w, this.spill, 0, take, position);
    }
    if (take >= n) return true;
    // a failed read ends the window when its message arrives (PipeCaptureReader.fail), so the
    // run sees the error, not a clean end
    if (state === PipeState.Ended) w.ended = true;
    return false;
  }

  /** Puts `prefix` at the start of the ring, published as read; returns its length (the worker's first write position). */
  prepend(prefix: Uint8Array | undefined): number {
    if (prefix === undefined || prefix.length === 0) return 0;
    if (prefix.length > this.size / 4) throw new RangeError(`prefix of ${prefix.length} bytes: at most a quarter of the ring (${this.size / 4} bytes)`);
    this.memory.set(prefix, this.headroom);
    Atomics.store(this.control, PipeCtl.Write, prefix.length);
    return prefix.length;
  }

  /**
   * Waits (without blocking the thread) until the worker published bytes or ended after the last
   * {@link lend}; `async: false` when it already did.
   */
  waitForNews(timeoutMs?: number): AsyncWait {
    return waitAsync(this.control, PipeCtl.Events, this.seen, timeoutMs);
  }

  /**
   * The worker hashes every byte, from the first. Returns null, or every byte of the input when
   * the worker read it all and ended before being asked (the caller hashes them).
   */
  hashAll(): Uint8Array | null {
    if (Atomics.compareExchange(this.control, PipeCtl.Hash, 0, 1) !== PIPE_HASH_TOO_LATE) return null;
    return this.memory.subarray(this.headroom, this.headroom + Atomics.load(this.control, PipeCtl.Write));
  }

  /**
   * Tells the worker to stop and ends a pending {@link waitForNews}. Returns true when the worker
   * was still reading (it may be waiting in a `read` of a quiet pipe).
   */
  stop(): boolean {
    Atomics.store(this.control, PipeCtl.Stop, 1);
    this.freed();
    Atomics.notify(this.control, PipeCtl.Events);
    return Atomics.load(this.control, PipeCtl.State) === PipeState.Reading;
  }

  /**
   * Blocks (at most `timeoutMs`) while the worker loads a native module: called after
   * {@link stop}, so a worker that had not begun loading one will not begin.
   */
  awaitNative(timeoutMs: number): void {
    const deadline = Date.now() + timeoutMs;
    for (let left = timeoutMs; Atomics.load(this.control, PipeCtl.Native) !== 0 && left > 0; left = deadline - Date.now()) {
      Atomics.wait(this.control, PipeCtl.Native, 1, left);
    }
  }

  /** Gives the ring before `position` back to the worker; wakes it when it sleeps and a quarter of the ring is free. */
  private release(position: number): void {
    Atomics.store(this.control, PipeCtl.Read, position | 0);
    if (Atomics.load(this.control, PipeCtl.Sleeping) === 0) return;
    const used = (Atomics.load(this.control, PipeCtl.Write) - position) | 0;
    if (this.size - used >= this.resume) this.freed();
  }

  private freed(): void {
    Atomics.add(this.control, PipeCtl.Freed, 1);
    Atomics.notify(this.control, PipeCtl.Freed);
  }

  private map(w: ByteWindow, buf: Uint8Array, start: number, length: number, position: number): void {
    w.buf = buf;
    w.start = start;
    w.end = start + length;
    w.base = position - start;
  }
}

const ONE_BYTE = new Uint8Array(1);

/**
 * Ends the worker's blocking `read` of a quiet pipe: one byte written into the pipe through
 * `path` (`/proc/self/fd/N` for a descriptor; the worker sees `Stop` and drops it). For a named
 * pipe whose worker still waits in `open` for a writer, opening it for writing ends that wait.
 * Without `/proc`, or without the right to write the pipe, the worker ends when the writer writes
 * again or closes the pipe.
 */
function wakeBlockedRead(path: string): void {
  let writer = -1;
  try {
    writer = openSync(path, constants.O_WRONLY | constants.O_NONBLOCK);
    // a full pipe (EAGAIN) means the read is not blocked
    writeSync(writer, ONE_BYTE);
  } catch {
    // nothing more can be done from here
  } finally {
    if (writer >= 0) closeSync(writer);
  }
}
