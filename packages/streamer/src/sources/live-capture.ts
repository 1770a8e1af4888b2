import type { Worker } from 'node:worker_threads';
import { CaptureRecord } from '@flowstream/core';
import { waitAsync } from '@flowstream/core/internal';
import { startWorkerThread, workerEntry } from '../parallel/worker-spawn.js';
import { CaptureCtl, CaptureRingReader, CaptureState, allocateCaptureRing, type CaptureRingBuffers } from './capture-ring.js';
import type { CaptureWorkerData } from './capture-worker.js';
import { ERRBUF_SIZE, loadLivePcap, type LivePcap } from './libpcap-live.js';
import { LiveCaptureError } from './live-capture-error.js';

/**
 * Options of a {@link LiveCapture} (NFStreamer's live parameters, spec §8).
 *
 * @example
 * ```ts
 * import { LiveCapture, type LiveCaptureOptions } from '@flowstream/streamer';
 *
 * const options: LiveCaptureOptions = { snapshotLength: 256, promiscuousMode: false, bpfFilter: 'tcp', ringSize: 64 * 1024 * 1024 };
 * const capture = new LiveCapture('eth0', options);
 * ```
 */
export interface LiveCaptureOptions {
  /** Bytes kept per packet (default 1536), `pcap_set_snaplen`. */
  snapshotLength?: number;
  /** Default true, `pcap_set_promisc`. */
  promiscuousMode?: boolean;
  /**
   * Kernel capture buffer in bytes (`pcap_set_buffer_size`, default 0). 0 means
   * {@link DEFAULT_LIVE_BUFFER_SIZE}, not libpcap's 2 MB, which loses bursts of large loopback
   * frames.
   */
  socketBufferSize?: number;
  /** BPF expression compiled by libpcap and run in the kernel, or null/"" for none. */
  bpfFilter?: string | null;
  /** Bytes of the ring between the capture worker and the main thread (default {@link DEFAULT_RING_SIZE}). */
  ringSize?: number;
}

/** Counters of a {@link LiveCapture}. */
export interface LiveCaptureStats {
  /** Packets handed to the consumer. */
  packetsReceived: number;
  /** Of those, packets cut by the snapshot length (caplen < wire length). */
  packetsTruncated: number;
  /** Packets the kernel dropped because its capture buffer was full (`pcap_stats` ps_drop). */
  packetsDropped: number;
  /** Packets dropped by the interface or its driver (`pcap_stats` ps_ifdrop). */
  interfaceDropped: number;
  /** Packets a stop could not hand over because the ring to the main thread was full (`ring_full`); while capturing, a full ring leaves packets in the kernel buffer. */
  ringDropped: number;
}

/** Buffer used for `socketBufferSize: 0` (libpcap's 2 MB default loses bursts of 64 KB loopback frames). */
export const DEFAULT_LIVE_BUFFER_SIZE = 64 * 1024 * 1024;
/** Default ring between the capture worker and the main thread: ~190k small packets, ~10k full 1536-byte ones. */
export const DEFAULT_RING_SIZE = 16 * 1024 * 1024;

/**
 * libpcap's buffer timeout: on Linux the kernel hands over its buffered packets in blocks (TPACKET_V3),
 * a block when it is full or this long after it started. Blocks rather than libpcap's immediate mode
 * (one slot of the snapshot length per packet, one wake-up per packet): on loopback at 300k packets a
 * second a reader in immediate mode lost 6–19 % of the packets where blocks lost none.
 */
const BLOCK_TIMEOUT_MS = 10;
/**
 * How long after its kernel timestamp a packet may still wait in a block not handed over yet: the
 * live clock stays this far behind the time the kernel last had nothing to hand over (measured
 * here: at most 10 ms without load and 16 ms with both cores busy; older kernels retire a block
 * after up to two timeouts).
 */
const DELIVERY_LAG_MS = 5 * BLOCK_TIMEOUT_MS;
/** Longest the main thread waits for the worker to leave `pcap_dispatch` when stopping. */
const STOP_WAIT_MS = 8000;

/**
 * Captures packets from a network interface through libpcap (koffi). The handle is set up and
 * activated synchronously here (errors are thrown by {@link start}), then a worker thread runs
 * `pcap_dispatch`, which writes batches of packets with their kernel timestamps (ns when libpcap
 * supports it) into a shared ring. The main thread reads the ring with {@link next} (pull), or gets a callback
 * per packet from {@link start}. Kernel drops, interface drops and ring-full drops are counted
 * ({@link stats}).
 *
 * Most programs give the interface to `NFStreamer` as its `source`; this class is for your own
 * packet loop.
 *
 * @example
 * ```ts
 * import { CaptureRecord } from '@flowstream/core';
 * import { LiveCapture } from '@flowstream/streamer';
 *
 * const capture = new LiveCapture('lo', { bpfFilter: 'udp port 5353' });
 * capture.start();
 * setTimeout(() => capture.stop(), 10_000);
 * const record = new CaptureRecord();
 * for (;;) {
 *   const ended = capture.ended; // packets still in the ring are read after the end
 *   while (capture.next(record)) console.log(record.tsSec, record.tsNsec, record.wireLength);
 *   if (ended) break;
 *   await capture.waitForData(250);
 * }
 * console.log(capture.stats()); // { packetsReceived, packetsDropped, interfaceDropped, ringDropped, … }
 * ```
 */
export class LiveCapture {
  /** DLT of the interface, known once started (-1 before). */
  linkType = -1;
  /** True once started when timestamps have nanosecond precision (else µs, scaled to ns). */
  nanosecondTimestamps = false;
  readonly promiscuousMode: boolean;
  readonly snapshotLength: number;
  readonly socketBufferSize: number;
  readonly bpfFilter: string;
  private readonly ringSize: number;
  private pcap: LivePcap | null = null;
  private handle = 0;
  private worker: Worker | null = null;
  private buffers: CaptureRingBuffers | null = null;
  private reader: CaptureRingReader | null = null;
  private control: Int32Array | null = null;
  private received = 0;
  private workerError: string | null = null;
  private final: LiveCaptureStats | null = null;

  /**
   * @param interfaceName interface to open (see `resolveInterface` for descriptions).
   * @throws RangeError on invalid option values.
   */
  constructor(
    readonly interfaceName: string,
    options: LiveCaptureOptions = {},
  ) {
    const snapshotLength = options.snapshotLength ?? 1536;
    if (!Number.isInteger(snapshotLength) || snapshotLength <= 0) {
      throw new RangeError('Please specify a valid snapshot_length parameter (positive integer).');
    }
    const socketBufferSize = options.socketBufferSize ?? 0;
    if (!Number.isInteger(socketBufferSize) || socketBufferSize < 0 || socketBufferSize > 2 ** 31 - 1) {
      throw new RangeError('Please specify a valid socket_buffer_size parameter (positive integer <= 2^31-1).');
    }
    const ringSize = options.ringSize ?? DEFAULT_RING_SIZE;
    if (!Number.isInteger(ringSize) || ringSize < 1 << 20 || ringSize > 2 ** 30) {
      throw new RangeError(`ringSize must be an integer from 1 MiB to 1 GiB (got ${String(options.ringSize)}).`);
    }
    this.snapshotLength = snapshotLength;
    this.socketBufferSize = socketBufferSize;
    this.bpfFilter = options.bpfFilter ?? '';
    this.promiscuousMode = options.promiscuousMode ?? true;
    this.ringSize = ringSize;
  }

  /** Whether the capture is running. */
  get running(): boolean {
    return this.handle !== 0;
  }

  /**
   * Opens and activates the interface, installs the filter and starts the capture worker. With
   * `onRecord`, packets are also delivered to it from the event loop (the record is reused:
   * copy what you keep); without it, read them with {@link next}.
   *
   * @throws Error (one sentence saying what to install) when koffi or libpcap is missing.
   * @throws LiveCaptureError when the interface cannot be opened (unknown device, no permission)
   * or the BPF filter does not compile.
   * @example
   * ```ts
   * import { LiveCapture } from '@flowstream/streamer';
   *
   * const capture = new LiveCapture('eth0', { snapshotLength: 128 });
   * let bytes = 0;
   * capture.start((record) => { bytes += record.wireLength; }); // the record is reused: copy what you keep
   * setTimeout(() => { capture.stop(); console.log(bytes, capture.stats().packetsDropped); }, 5_000);
   * ```
   */
  start(onRecord?: (record: CaptureRecord) => void): void {
    if (this.handle !== 0) throw new Error(`Live capture on ${this.interfaceName} is already running.`);
    const pcap = loadLivePcap();
    if (pcap instanceof Error) throw pcap;
    const nano = this.open(pcap);
    this.pcap = pcap;
    const buffers = allocateCaptureRing(this.ringSize, this.snapshotLength);
    this.buffers = buffers;
    this.reader = new CaptureRingReader(buffers);
    this.control = this.reader.control;
    this.received = 0;
    this.workerError = null;
    this.final = null;
    const entry = workerEntry('sources/capture-worker');
    const data: CaptureWorkerData = { handle: this.handle, nano, ring: buffers, deliveryLagMs: DELIVERY_LAG_MS, snapshotLength: this.snapshotLength };
    let worker: Worker;
    try {
      // unref'd by startWorkerThread: a capture left running does not keep the process alive by itself
      ({ worker } = startWorkerThread(entry, `flowstream-capture-${this.interfaceName}`, data));
    } catch (err) {
      // no thread will ever use the handle (its module is missing): close it now
      pcap.close(this.handle);
      this.handle = 0;
      throw err;
    }
    worker.on('error', (e) => {
      this.workerError = e.message;
      // the loop never ran (or died): let stop() close the handle without waiting
      Atomics.store(this.control!, CaptureCtl.State, CaptureState.Ended);
    });
    this.worker = worker;
    if (onRecord !== undefined) void this.deliver(onRecord);
  }

  /**
   * Reads the next packet into `record` (data is a view of the shared ring, valid until the next
   * call). Returns false when none is waiting.
   */
  next(record: CaptureRecord): boolean {
    const reader = this.reader;
    if (reader === null || !reader.take(record)) return false;
    record.linkType = this.linkType;
    record.sourceOffset = this.received++;
    return true;
  }

  /** Resolves when a packet is waiting, the capture ended, or after `timeoutMs`. */
  waitForData(timeoutMs: number): Promise<void> {
    const reader = this.reader;
    const control = this.control;
    if (reader === null || control === null || !reader.empty || this.ended) return Promise.resolve();
    Atomics.store(control, CaptureCtl.Waiting, 1);
    const seen = Atomics.load(control, CaptureCtl.Write);
    if (!reader.empty) {
      Atomics.store(control, CaptureCtl.Waiting, 0);
      return Promise.resolve();
    }
    const waited = waitAsync(control, CaptureCtl.Write, seen, timeoutMs);
    const done = () => {
      Atomics.store(control, CaptureCtl.Waiting, 0);
    };
    if (!waited.async) {
      done();
      return Promise.resolve();
    }
    // a timer keeps the event loop alive while waiting (a pending waitAsync alone may not)
    return new Promise<void>((resolve) => {
      const timer = setTimeout(() => resolve(), timeoutMs + 5);
      void (waited.value as Promise<string>).then(() => {
        clearTimeout(timer);
        done();
        resolve();
      });
    });
  }

  /**
   * Epoch ms up to which the kernel had delivered every packet when the worker last found it
   * idle (0 before that): a live clock that never runs ahead of packets still to be read (those
   * in a block the kernel has not handed over yet, {@link DELIVERY_LAG_MS}).
   */
  quietTimeMs(): number {
    const control = this.control;
    if (control === null || this.buffers === null) return 0;
    const q = Atomics.load(control, CaptureCtl.QuietMs);
    return q > DELIVERY_LAG_MS ? this.buffers.epochMs + q - DELIVERY_LAG_MS : 0;
  }

  /** True once the capture loop has ended (stopped, or failed: see {@link error}). */
  get ended(): boolean {
    const control = this.control;
    return control === null || Atomics.load(control, CaptureCtl.State) === CaptureState.Ended;
  }

  /** Why the capture loop ended on its own (libpcap's text), or null. */
  get error(): string | null {
    if (this.workerError !== null) return `${this.interfaceName}: ${this.workerError}`;
    const control = this.control;
    if (control === null || this.handle === 0) return null;
    if (Atomics.load(control, CaptureCtl.State) !== CaptureState.Ended || Atomics.load(control, CaptureCtl.Stop) !== 0) return null;
    return `${this.interfaceName}: ${this.pcap!.geterr(this.handle)}`;
  }

  /**
   * Stops capturing (idempotent): ends the worker's loop (`pcap_breakloop`), waits for it, reads
   * the final statistics and closes the handle. Packets already in the ring can still be read
   * with {@link next}; no callback runs after it returns.
   */
  stop(): void {
    const handle = this.handle;
    const control = this.control;
    if (handle === 0 || control === null) return;
    Atomics.store(control, CaptureCtl.Stop, 1);
    if (Atomics.load(control, CaptureCtl.State) === CaptureState.Running) this.pcap!.breakloop(handle);
    const deadline = Date.now() + STOP_WAIT_MS;
    let state: number;
    while ((state = Atomics.load(control, CaptureCtl.State)) !== CaptureState.Ended && Date.now() < deadline) {
      // a booting worker sees the stop flag as soon as its loop starts
      Atomics.wait(control, CaptureCtl.State, state, 50);
      if (Atomics.load(control, CaptureCtl.State) === CaptureState.Running) this.pcap!.breakloop(handle);
    }
    this.final = this.counters();
    this.handle = 0;
    // never close a handle the worker may still be inside (it would read freed memory)
    if (state === CaptureState.Ended) this.pcap!.close(handle);
    void this.worker?.terminate();
    this.worker = null;
  }

  /** Packet and drop counters (kept after {@link stop}). */
  stats(): LiveCaptureStats {
    return this.final === null ? this.counters() : { ...this.final, packetsReceived: this.received };
  }

  private counters(): LiveCaptureStats {
    const c = this.control;
    if (c === null) return { packetsReceived: 0, packetsTruncated: 0, packetsDropped: 0, interfaceDropped: 0, ringDropped: 0 };
    return {
      packetsReceived: this.received,
      packetsTruncated: Atomics.load(c, CaptureCtl.Truncated),
      packetsDropped: Atomics.load(c, CaptureCtl.PsDrop) >>> 0,
      interfaceDropped: Atomics.load(c, CaptureCtl.PsIfDrop) >>> 0,
      ringDropped: Atomics.load(c, CaptureCtl.RingDrops),
    };
  }

  /** Callback delivery for {@link start}`(onRecord)`. */
  private async deliver(onRecord: (record: CaptureRecord) => void): Promise<void> {
    const record = new CaptureRecord();
    while (this.handle !== 0) {
      while (this.handle !== 0 && this.next(record)) onRecord(record);
      if (this.ended) break;
      await this.waitForData(250);
    }
  }

  /** Creates, configures and activates the handle (NFStream's steps and texts, spec §8). Returns the ns flag. */
  private open(pcap: LivePcap): boolean {
    const name = this.interfaceName;
    const errbuf = new Uint8Array(ERRBUF_SIZE);
    const p = pcap.create(name, errbuf);
    if (p === 0) throw new LiveCaptureError('Unable to activate source.', name, Buffer.from(errbuf).toString('latin1').replace(/\0.*$/s, ''));
    const fail = (message: string, detail: string): never => {
      pcap.close(p);
      throw new LiveCaptureError(message, name, detail);
    };
    if (pcap.setSnaplen(p, this.snapshotLength) !== 0) fail('Unable to set snaplen.', pcap.geterr(p));
    if (pcap.setPromisc(p, this.promiscuousMode ? 1 : 0) !== 0) fail('Unable to set promisc mode.', pcap.geterr(p));
    if (pcap.setTimeout(p, BLOCK_TIMEOUT_MS) !== 0) fail('Unable to set buffer timeout.', pcap.geterr(p));
    const size = this.socketBufferSize === 0 ? DEFAULT_LIVE_BUFFER_SIZE : this.socketBufferSize;
    if (pcap.setBufferSize(p, size) !== 0) fail(`${name}: Unable to set buffer size`, '');
    const nano = pcap.setTstampPrecision(p, 1) === 0;
    const status = pcap.activate(p);
    if (status < 0) {
      const err = pcap.geterr(p);
      fail('Unable to activate source.', err === '' ? pcap.statusToString(status) : err);
    }
    // non-blocking: the worker polls the descriptor itself, so it learns when the kernel is idle
    if (pcap.setNonblock(p, 1, errbuf) !== 0) fail('Unable to set buffer timeout.', Buffer.from(errbuf).toString('latin1').replace(/\0.*$/s, ''));
    this.linkType = pcap.datalink(p);
    if (this.bpfFilter !== '') {
      const error = pcap.setFilter(p, this.bpfFilter);
      // the expression, as the offline error quotes it (libpcap's text alone does not say which)
      if (error !== null) fail('Unable to compile BPF filter.', `BPF filter "${this.bpfFilter}" (link type ${this.linkType}): ${error}`);
    }
    this.handle = p;
    this.nanosecondTimestamps = nano;
    return nano;
  }
}
