import { CaptureRecord } from '@flowstream/core';
import { loadCap, type CapHandle } from './cap-binding.js';
import { capLinkTypeToDlt } from './cap-link-type.js';
import { epochClock, type EpochClock } from './epoch-clock.js';
import { LiveCaptureError } from './live-capture-error.js';
import { estimateWireLength } from './wire-length.js';

/** Options of a {@link LiveCapture} (NFStreamer's live parameters, spec §8). */
export interface LiveCaptureOptions {
  /** Bytes kept per packet (default 1536). Applied by sizing `cap`'s copy buffer. */
  snapshotLength?: number;
  /**
   * Default true. `cap` always opens in promiscuous mode, so false cannot be honoured; it is
   * accepted and reported by {@link LiveCapture.promiscuousModeHonoured}.
   */
  promiscuousMode?: boolean;
  /**
   * Kernel capture buffer in bytes (default 0). 0 means {@link DEFAULT_LIVE_BUFFER_SIZE}, not
   * libpcap's 2 MB: `cap` fixes the snap length at 65535, so the ring holds ~64 KB frames and 2 MB
   * would buffer only 32 packets (16 on loopback, where each packet takes two frames); bursts
   * beyond that are dropped silently.
   */
  socketBufferSize?: number;
  /** BPF expression compiled by libpcap and run in the kernel, or null/"" for none. */
  bpfFilter?: string | null;
  /** Clock stamping packets (default: the process-wide {@link epochClock}). */
  clock?: EpochClock;
}

/** Counters of a {@link LiveCapture}. */
export interface LiveCaptureStats {
  /** Packets delivered to the callback. */
  packetsReceived: number;
  /** Of those, packets cut by the snapshot length. */
  packetsTruncated: number;
  /**
   * Packets dropped by the kernel/libpcap (`pcap_stats` ps_drop), or null: `cap` 0.2 does not
   * expose `pcap_stats`, so drops are unknown and always null with this source.
   */
  packetsDropped: number | null;
}

/**
 * cap 0.2 stops but never uv_close()s its poll handle, which lives inside the native object: if a
 * closed handle were garbage-collected, libuv would keep a dangling handle and the process could
 * crash at exit. Closed handles are therefore kept alive for the life of the process (a few
 * hundred bytes per capture started).
 */
const retired: CapHandle[] = [];

function retire(handle: CapHandle): void {
  retired.push(handle);
}

/**
 * Buffer used for `socketBufferSize: 0`: ~1000 of `cap`'s 65535-byte frames, about what NFStream's
 * 2 MB default holds at its 1536-byte snap length.
 */
export const DEFAULT_LIVE_BUFFER_SIZE = 64 * 1024 * 1024;

// libpcap's own texts for cap's fixed setup failures → NFStream's texts (spec §8).
const CAP_SETUP_MESSAGES: Record<string, string> = {
  'Unable to set snaplen': 'Unable to set snaplen.',
  'Unable to set promiscuous mode': 'Unable to set promisc mode.',
  'Unable to set read timeout': 'Unable to set buffer timeout.',
};

/**
 * Captures packets from a network interface through the `cap` addon (libpcap, 1000 ms read
 * timeout, immediate mode). Each packet is written into ONE reusable {@link CaptureRecord} and
 * handed to the callback synchronously, before the next packet overwrites it.
 *
 * `cap` gives no timestamps: packets are stamped on arrival from a monotonic clock anchored to
 * the epoch (µs precision; `tsNsec = µs × 1000`; `timeMs = floor(µs / 1000)`, spec §1.2). It
 * gives no wire length either: it equals the captured length, except for frames cut by the
 * snapshot length, where it is rebuilt from the IP header ({@link estimateWireLength}).
 *
 * The callback must not throw: it runs inside the addon's event and an exception there is an
 * uncaught exception.
 *
 * @example
 * ```ts
 * const capture = new LiveCapture('lo', { bpfFilter: 'udp port 5353' });
 * capture.start((r) => meter.consume(r));
 * const ticker = createExpiryTicker(1000, (now) => meter.tick(now));
 * // later
 * capture.stop();
 * ticker.stop();
 * ```
 */
export class LiveCapture {
  /** DLT of the interface, known once started (-1 before). */
  linkType = -1;
  /** False when promiscuousMode=false was asked for (`cap` always enables it). */
  readonly promiscuousModeHonoured: boolean;
  readonly snapshotLength: number;
  readonly socketBufferSize: number;
  readonly bpfFilter: string;
  private readonly clock: EpochClock;
  private readonly record = new CaptureRecord();
  private handle: CapHandle | null = null;
  private buffer: Buffer | null = null;
  private received = 0;
  private truncated = 0;

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
    this.snapshotLength = snapshotLength;
    this.socketBufferSize = socketBufferSize;
    this.bpfFilter = options.bpfFilter ?? '';
    this.promiscuousModeHonoured = options.promiscuousMode ?? true;
    this.clock = options.clock ?? epochClock;
  }

  /** Whether the capture is running. */
  get running(): boolean {
    return this.handle !== null;
  }

  /**
   * Opens the interface and starts delivering packets to `onRecord` from the event loop.
   *
   * @throws Error naming what to install when `cap`/libpcap is missing.
   * @throws LiveCaptureError when the interface cannot be opened (unknown device, no permission)
   * or the BPF filter does not compile.
   */
  start(onRecord: (record: CaptureRecord) => void): void {
    if (this.handle !== null) throw new Error(`Live capture on ${this.interfaceName} is already running.`);
    const cap = loadCap();
    if (cap instanceof Error) throw cap;
    // cap copies min(caplen, buffer length) bytes: the buffer size is the snapshot length.
    const buffer = Buffer.alloc(this.snapshotLength);
    if (this.bpfFilter !== '') {
      // cap reports setup and filter errors alike; opening once without the filter tells them
      // apart (a cap handle cannot be reopened after close(), hence a throwaway one).
      const probe = new cap.Cap();
      retire(probe);
      this.open(probe, '', buffer);
      probe.close();
    }
    const handle = new cap.Cap();
    let linkType: string;
    // Setup-time only: a handle that failed to open is retired like a closed one.
    try {
      linkType = this.open(handle, this.bpfFilter, buffer);
    } catch (e) {
      retire(handle);
      throw e;
    }
    this.linkType = capLinkTypeToDlt(linkType);
    this.handle = handle;
    this.buffer = buffer;
    this.received = 0;
    this.truncated = 0;
    const record = this.record;
    // A plain Uint8Array view: Buffer#slice would alias instead of copying, surprising consumers.
    record.data = new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
    record.offset = 0;
    record.linkType = this.linkType;
    const clock = this.clock;
    const dlt = this.linkType;
    // One listener for the capture's lifetime: nothing is allocated per packet here.
    handle.on('packet', (nbytes: number, cut: boolean) => {
      const us = clock.nowMicros();
      const sec = Math.floor(us / 1_000_000);
      const usec = us - sec * 1_000_000;
      record.tsSec = sec;
      record.tsNsec = usec * 1000;
      record.timeMs = sec * 1000 + Math.floor(usec / 1000);
      record.caplen = nbytes;
      record.wireLength = cut ? estimateWireLength(buffer, nbytes, dlt) : nbytes;
      record.sourceOffset = this.received;
      this.received++;
      if (cut) this.truncated++;
      onRecord(record);
    });
  }

  /** Stops capturing (idempotent). No callback runs after it returns. */
  stop(): void {
    const handle = this.handle;
    if (handle === null) return;
    this.handle = null;
    handle.close();
    handle.removeAllListeners('packet');
    retire(handle);
  }

  /** Packet counters; kernel drops are unknown with `cap` (see {@link LiveCaptureStats}). */
  stats(): LiveCaptureStats {
    return { packetsReceived: this.received, packetsTruncated: this.truncated, packetsDropped: null };
  }

  private open(handle: CapHandle, filter: string, buffer: Buffer): string {
    // Setup-time only: turn cap's texts into NFStream's (spec §8).
    try {
      const bufferSize = this.socketBufferSize === 0 ? DEFAULT_LIVE_BUFFER_SIZE : this.socketBufferSize;
      return handle.open(this.interfaceName, filter, bufferSize, buffer);
    } catch (e) {
      const detail = (e as Error).message;
      if (filter !== '') throw new LiveCaptureError('Unable to compile BPF filter.', this.interfaceName, detail);
      if (detail === 'Unable to set buffer size') {
        throw new LiveCaptureError(`${this.interfaceName}: ${detail}`, this.interfaceName, '');
      }
      throw new LiveCaptureError(CAP_SETUP_MESSAGES[detail] ?? 'Unable to activate source.', this.interfaceName, detail);
    }
  }
}
