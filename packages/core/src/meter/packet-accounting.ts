import type { CaptureDrops } from '../capture/capture-reader.js';
import { IGNORE_REASON_COUNT, IGNORE_REASON_NAMES } from '../decode/ignore-reason.js';

/** Per-source part of the summary. */
export interface SourceSummary {
  path: string;
  format: string | null;
  linkType: number | null;
  packetsRead: number;
  /** Error message (names file and byte offset) when the source could not be read to its end. */
  error: string | null;
  /** Byte offset of a truncated last record that was dropped (libpcap behaviour), if any. */
  truncatedAt?: number;
  /** File size in bytes, when known. */
  size?: number;
  /** Live sources: packets lost before they were read (`pcap_stats` and the capture ring). */
  dropped?: CaptureDrops;
}

/** The run summary: every record read is processed, ignored with a reason, or filtered out by BPF. */
export interface RunSummary {
  sources: SourceSummary[];
  packets: {
    read: number;
    processed: number;
    ignored: number;
    ignoredByReason: Record<string, number>;
    /** Records rejected by `bpfFilter` (NFStream never sees them). */
    filtered: number;
    /** Live sources only: packets lost before they were read, in total and by reason. */
    dropped?: number;
    droppedByReason?: { kernel: number; interface: number; ring_full: number };
  };
  flows: number;
  /** Only with `maxLiveFlows`: flows expired early because the cache was full (expiration id 2). */
  evictions?: number;
  /**
   * True when the run ended before its sources did: stopped (Ctrl-C, SIGTERM, `stop()`), or its
   * consumer left (a `break` out of the loop, an unsubscribe, an output that failed). Not for `maxNflows`.
   */
  interrupted: boolean;
}

/**
 * Packet accounting (Zeek-style named counters): `read = processed + ignored + filtered`, with the
 * ignored packets counted per {@link IgnoreReason}; live sources add the packets `dropped` before
 * they could be read, per reason.
 */
export class PacketAccounting {
  read = 0;
  processed = 0;
  ignored = 0;
  filtered = 0;
  /** Live drops by reason; null while no live source reported any counters. */
  drops: CaptureDrops | null = null;
  /** Set when the run is stopped before its sources ended. */
  interrupted = false;
  readonly byReason = new Float64Array(IGNORE_REASON_COUNT + 8);
  readonly sources: SourceSummary[] = [];

  /** Adds another accounting's counters (parallel meters, multi-file). */
  add(other: PacketAccounting): void {
    this.read += other.read;
    this.processed += other.processed;
    this.ignored += other.ignored;
    this.filtered += other.filtered;
    for (let i = 0; i < this.byReason.length; i++) this.byReason[i]! += other.byReason[i]!;
    if (other.drops !== null) this.addDrops(other.drops);
  }

  /** Adds a live source's drop counters. */
  addDrops(d: CaptureDrops): void {
    const t = (this.drops ??= { kernel: 0, interface: 0, ringFull: 0 });
    t.kernel += d.kernel;
    t.interface += d.interface;
    t.ringFull += d.ringFull;
  }

  summary(flows: number): RunSummary {
    const ignoredByReason: Record<string, number> = {};
    for (let i = 1; i < this.byReason.length; i++) {
      const n = this.byReason[i]!;
      if (n > 0) ignoredByReason[IGNORE_REASON_NAMES[i] ?? `reason_${i}`] = n;
    }
    return {
      sources: this.sources.map((s) => ({ ...s })),
      packets: {
        read: this.read,
        processed: this.processed,
        ignored: this.ignored,
        ignoredByReason,
        filtered: this.filtered,
        ...(this.drops === null
          ? {}
          : {
              dropped: this.drops.kernel + this.drops.interface + this.drops.ringFull,
              droppedByReason: { kernel: this.drops.kernel, interface: this.drops.interface, ring_full: this.drops.ringFull },
            }),
      },
      flows,
      interrupted: this.interrupted,
    };
  }
}
