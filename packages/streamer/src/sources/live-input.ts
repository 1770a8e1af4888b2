import {
  CaptureError,
  ReadStatus,
  type CaptureDrops,
  type CaptureReader,
  type CaptureRecord,
  type ResolvedMeteringOptions,
} from '@flowstream/core';
import type { RunInput } from '../run/run-input.js';
import { LiveCapture } from './live-capture.js';

/** Milliseconds the live clock stays behind the capture's quiet time. */
const QUIET_MARGIN_MS = 2;

/** Wall-clock tick while no packet arrives, so idle flows expire about on time (spec §6, issue: live expiry). */
export const LIVE_TICK_MS = 250;

/**
 * The pull-based reader the meter run drives, over a {@link LiveCapture}: records are read in
 * place from the capture ring, with their kernel timestamps. `NeedMore` when the ring is empty;
 * `End` once stopped and drained; `Error` when libpcap ended the capture on its own.
 */
class LiveReader implements CaptureReader {
  readonly format = 'pcap' as const;
  recordsRead = 0;
  error: CaptureError | null = null;
  readonly truncatedAt: number | null = null;
  stopped = false;
  /**
   * The capture's quiet time read just before the ring was last found empty: every packet stamped
   * before it has been read, so the meter clock may advance to it (spec §1.2 clamps later packets
   * older than the clock, which would corrupt their inter-arrival times).
   */
  quietMs = 0;

  constructor(
    readonly name: string,
    readonly capture: LiveCapture,
  ) {}

  get linkType(): number {
    return this.capture.linkType;
  }

  next(record: CaptureRecord): ReadStatus {
    if (this.capture.next(record)) {
      this.recordsRead++;
      return ReadStatus.Record;
    }
    // the ring is empty: the quiet time is read, then the ring once more. The worker stores the
    // quiet time only after publishing the packets before it, so a ring still empty after it holds
    // none of them (read once per empty ring, not once per packet)
    const quiet = this.capture.quietTimeMs();
    if (this.capture.next(record)) {
      this.recordsRead++;
      return ReadStatus.Record;
    }
    if (this.stopped) return ReadStatus.End;
    if (this.capture.ended) {
      // the loop ended without a stop: libpcap failed (interface gone, …)
      const message = this.capture.error ?? `${this.name}: capture ended`;
      this.error = new CaptureError(this.name, -1, message, false);
      this.stop();
      return ReadStatus.Error;
    }
    this.quietMs = quiet;
    return ReadStatus.NeedMore;
  }

  waitForData(timeoutMs = LIVE_TICK_MS): Promise<void> {
    return this.stopped ? Promise.resolve() : this.capture.waitForData(Math.min(timeoutMs, LIVE_TICK_MS));
  }

  /** Kernel, interface and ring drops so far (final once stopped). */
  drops(): CaptureDrops {
    const s = this.capture.stats();
    return { kernel: s.packetsDropped, interface: s.interfaceDropped, ringFull: s.ringDropped };
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.capture.stop();
  }

  close(): void {
    this.stop();
  }
}

/** A live interface as a run input (see {@link LiveReader}). */
export function liveInput(iface: string, options: ResolvedMeteringOptions): RunInput & { stop(): void } {
  let reader: LiveReader | null = null;
  return {
    name: iface,
    open() {
      const capture = new LiveCapture(iface, {
        snapshotLength: options.snapshotLength,
        promiscuousMode: options.promiscuousMode,
        socketBufferSize: options.socketBufferSize,
        bpfFilter: options.bpfFilter ?? '',
      });
      capture.start();
      reader = new LiveReader(iface, capture);
      return reader;
    },
    waitForData(timeoutMs?: number) {
      return reader === null ? Promise.resolve() : reader.waitForData(timeoutMs);
    },
    clockNow() {
      // never ahead of packets not read yet (0 = unknown: the clock stays); a small margin covers
      // packets stamped just before the worker found the kernel buffer empty
      return reader === null || reader.quietMs === 0 ? 0 : reader.quietMs - QUIET_MARGIN_MS;
    },
    stop() {
      reader?.stop();
    },
  };
}
