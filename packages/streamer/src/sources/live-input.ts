import { ReadStatus, type CaptureError, type CaptureReader, type CaptureRecord, type ResolvedMeteringOptions } from '@flowstream/core';
import type { RunInput } from '../run/meter-run.js';
import { epochClock } from './epoch-clock.js';
import { DEFAULT_LIVE_BUFFER_SIZE, LiveCapture } from './live-capture.js';

/** Wall-clock tick while no packet arrives, so idle flows expire about on time (spec §6, issue: live expiry). */
export const LIVE_TICK_MS = 250;

/**
 * Adapts the push-based {@link LiveCapture} (packets arrive on the event loop) to the pull-based
 * reader the meter run drives: packets are copied into a queue (one arena + typed arrays, grown
 * when a burst needs it; nothing allocated per packet in steady state) and drained by `next()`.
 * When the queue is empty `next()` returns `NeedMore`; `waitForData()` resolves on the next packet
 * or after {@link LIVE_TICK_MS}, and `clockNow()` lets the run advance the meter clock for idle
 * expiry while traffic is quiet.
 */
class LiveReader implements CaptureReader {
  readonly format = 'pcap' as const;
  recordsRead = 0;
  readonly error: CaptureError | null = null;
  readonly truncatedAt: number | null = null;
  stopped = false;

  private arena = new Uint8Array(1 << 20);
  private used = 0;
  private offsets = new Int32Array(4096);
  private caplens = new Int32Array(4096);
  private wireLengths = new Float64Array(4096);
  private tsSecs = new Float64Array(4096);
  private tsNsecs = new Float64Array(4096);
  private times = new Float64Array(4096);
  private head = 0;
  private tail = 0;
  private wake: (() => void) | null = null;

  constructor(
    readonly name: string,
    private readonly capture: LiveCapture,
  ) {}

  get linkType(): number {
    return this.capture.linkType;
  }

  /** Queues one packet (called from the capture callback; the record is reused by `cap`). */
  push(r: CaptureRecord): void {
    if (this.tail === this.offsets.length) this.growQueue();
    if (this.used + r.caplen > this.arena.length) {
      const bigger = new Uint8Array(Math.max(this.arena.length * 2, this.used + r.caplen));
      bigger.set(this.arena.subarray(0, this.used));
      this.arena = bigger;
    }
    this.arena.set(r.data.subarray(r.offset, r.offset + r.caplen), this.used);
    const i = this.tail++;
    this.offsets[i] = this.used;
    this.caplens[i] = r.caplen;
    this.wireLengths[i] = r.wireLength;
    this.tsSecs[i] = r.tsSec;
    this.tsNsecs[i] = r.tsNsec;
    this.times[i] = r.timeMs;
    this.used += r.caplen;
    if (this.wake !== null) {
      const w = this.wake;
      this.wake = null;
      w();
    }
  }

  next(record: CaptureRecord): ReadStatus {
    if (this.head === this.tail) {
      this.head = 0;
      this.tail = 0;
      this.used = 0;
      return this.stopped ? ReadStatus.End : ReadStatus.NeedMore;
    }
    const i = this.head++;
    record.data = this.arena;
    record.offset = this.offsets[i]!;
    record.caplen = this.caplens[i]!;
    record.wireLength = this.wireLengths[i]!;
    record.tsSec = this.tsSecs[i]!;
    record.tsNsec = this.tsNsecs[i]!;
    record.timeMs = this.times[i]!;
    record.linkType = this.capture.linkType;
    record.sourceOffset = this.recordsRead;
    this.recordsRead++;
    return ReadStatus.Record;
  }

  waitForData(): Promise<void> {
    if (this.head !== this.tail || this.stopped) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.wake = null;
        resolve();
      }, LIVE_TICK_MS);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.capture.stop();
    if (this.wake !== null) {
      const w = this.wake;
      this.wake = null;
      w();
    }
  }

  close(): void {
    this.stop();
  }

  private growQueue(): void {
    const n = this.offsets.length * 2;
    const grow32 = (a: Int32Array) => {
      const b = new Int32Array(n);
      b.set(a);
      return b;
    };
    const grow64 = (a: Float64Array) => {
      const b = new Float64Array(n);
      b.set(a);
      return b;
    };
    this.offsets = grow32(this.offsets);
    this.caplens = grow32(this.caplens);
    this.wireLengths = grow64(this.wireLengths);
    this.tsSecs = grow64(this.tsSecs);
    this.tsNsecs = grow64(this.tsNsecs);
    this.times = grow64(this.times);
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
        socketBufferSize: options.socketBufferSize === 0 ? DEFAULT_LIVE_BUFFER_SIZE : options.socketBufferSize,
        bpfFilter: options.bpfFilter ?? '',
      });
      const r = new LiveReader(iface, capture);
      capture.start((record) => r.push(record));
      reader = r;
      return r;
    },
    waitForData() {
      return reader === null ? Promise.resolve() : reader.waitForData();
    },
    clockNow() {
      return epochClock.nowMs();
    },
    stop() {
      reader?.stop();
    },
  };
}
