import type { DecodedPacket } from '@flowstream/core';

/**
 * Single-producer single-consumer ring of packet records in a SharedArrayBuffer: the main thread
 * (reader, BPF, decoder, dispatch) writes the packets a meter owns plus its clock ticks; that
 * meter's worker reads them. Records are whole numbers of 8-byte units so doubles stay aligned.
 *
 * Positions are 32-bit word counters that only grow (wrapping at 2^32); the ring size is a power
 * of two, so `counter & mask` is the word index and `(write - read) | 0` the words in use. A record
 * never straddles the end: a {@link RecordKind.Wrap} marker sends the reader back to index 0.
 */

/** Control words (Int32Array over `control`). */
export const Ctl = {
  /** Published write counter (main → worker). */
  Write: 0,
  /** Consumed read counter (worker → main). */
  Read: 1,
  /** Worker state, see {@link WorkerState}. */
  State: 2,
  /** Set by the main thread to stop the worker without flushing. */
  Stop: 3,
  /** Flows in the worker's cache (for progress). */
  LiveFlows: 4,
  /** Flows the worker's meter evicted (`maxLiveFlows`), for the summary. */
  Evictions: 5,
} as const;
const CONTROL_WORDS = 8;

/** Lifecycle of a meter worker, in {@link Ctl.State}. */
export const WorkerState = {
  Booting: 0,
  Ready: 1,
  /** Flushed (or stopped) and posted its last flows. */
  Done: 2,
  /** Failed; the error was posted before this state was set. */
  Failed: 3,
} as const;

/** Record kinds (low byte of a record's first word; the size in words is in the upper bits). */
export const RecordKind = {
  /** A packet with every DecodedPacket field (plugins, nDPI), optionally followed by its IP bytes. */
  Packet: 1,
  /** A packet with only what the meter reads without plugins/nDPI (one size: the accounting mode's). */
  CompactPacket: 5,
  /** A parsed packet owned by another meter that triggered the idle scan (spec §7 time ticker). */
  Tick: 2,
  Wrap: 3,
  /** End of input: flush. */
  End: 4,
} as const;

// Packet record layout, in 32-bit words from the record start.
const P_DATA_LEN = 1;
const P_TIME = 2; // f64 (words 2–3)
const P_SRC_MAC = 4; // f64
const P_DST_MAC = 6; // f64
const P_TS_SEC = 8; // f64
const P_TS_NSEC = 10; // f64
const P_RAW = 12;
const P_IP_SIZE = 13;
const P_TRANSPORT = 14;
const P_PAYLOAD = 15;
const P_PROTO = 16; // protocol | ipVersion << 8 | tcpFlags << 16
const P_VLAN = 17; // vlanId | tunnelId << 16
const P_PORTS = 18; // srcPort | dstPort << 16
const P_SRC = 19; // 4 words
const P_DST = 23; // 4 words
const P_IP_LENGTH = 27;
/** Words of a packet record without frame bytes (even). */
const PACKET_WORDS = 28;
const TICK_WORDS = 4;
// Compact packet record: header, size, time, MACs, then the key words as in the full record.
const C_SIZE = 1;
const C_PROTO = 8;
const C_VLAN = 9;
const C_PORTS = 10;
const C_SRC = 11;
const C_DST = 15;
const COMPACT_WORDS = 20;
const END_WORDS = 2;

/** The shared memory of one ring. */
export interface RingBuffers {
  readonly control: SharedArrayBuffer;
  readonly data: SharedArrayBuffer;
}

/** Allocates a ring of `bytes` (rounded up to a power of two, at least 1 MiB). */
export function allocateRing(bytes: number): RingBuffers {
  let size = 1 << 20;
  while (size < bytes) size *= 2;
  return { control: new SharedArrayBuffer(CONTROL_WORDS * 4), data: new SharedArrayBuffer(size) };
}

/** Main-thread side: appends records; publishes them in groups to amortise the atomics. */
export class PacketRingWriter {
  readonly control: Int32Array;
  private readonly i32: Int32Array;
  private readonly f64: Float64Array;
  private readonly u8: Uint8Array;
  private readonly mask: number;
  private readonly capacity: number;
  /** Largest record accepted (a quarter of the ring, so a wrap always fits next to it). */
  private readonly maxWords: number;
  /** Local write counter (published with {@link publish}). */
  private write = 0;
  /** Last read counter seen (refreshed only when the ring looks full). */
  private read = 0;
  /** Records written since the last publish. */
  pending = 0;

  /**
   * @param waitForSpace called while the ring is full (after publishing); must return false when
   *   the reader will never free space (worker failed or stopped), which makes writes throw.
   */
  constructor(
    buffers: RingBuffers,
    private readonly waitForSpace: (writer: PacketRingWriter) => boolean,
  ) {
    this.control = new Int32Array(buffers.control);
    this.i32 = new Int32Array(buffers.data);
    this.f64 = new Float64Array(buffers.data);
    this.u8 = new Uint8Array(buffers.data);
    this.capacity = this.i32.length;
    this.mask = this.capacity - 1;
    this.maxWords = this.capacity >>> 2;
  }

  /** Writes an owned packet with its clamped meter time; `frame` also copies its IP bytes (plugins, nDPI). */
  packet(p: DecodedPacket, timeMs: number, frame: boolean): void {
    const len = frame ? p.ipLength : 0;
    const words = PACKET_WORDS + (((len + 7) >>> 3) << 1);
    const at = this.reserve(words);
    const i32 = this.i32;
    const f64 = this.f64;
    const d = at >>> 1;
    i32[at] = RecordKind.Packet | (words << 8);
    i32[at + P_DATA_LEN] = len;
    f64[d + (P_TIME >>> 1)] = timeMs;
    f64[d + (P_SRC_MAC >>> 1)] = p.srcMac;
    f64[d + (P_DST_MAC >>> 1)] = p.dstMac;
    f64[d + (P_TS_SEC >>> 1)] = p.tsSec;
    f64[d + (P_TS_NSEC >>> 1)] = p.tsNsec;
    i32[at + P_RAW] = p.rawSize;
    i32[at + P_IP_SIZE] = p.ipSize;
    i32[at + P_TRANSPORT] = p.transportSize;
    i32[at + P_PAYLOAD] = p.payloadSize;
    i32[at + P_PROTO] = p.protocol | (p.ipVersion << 8) | (p.tcpFlags << 16);
    i32[at + P_VLAN] = p.vlanId | (p.tunnelId << 16);
    i32[at + P_PORTS] = p.srcPort | (p.dstPort << 16);
    i32[at + P_SRC] = p.src0;
    i32[at + P_SRC + 1] = p.src1;
    i32[at + P_SRC + 2] = p.src2;
    i32[at + P_SRC + 3] = p.src3;
    i32[at + P_DST] = p.dst0;
    i32[at + P_DST + 1] = p.dst1;
    i32[at + P_DST + 2] = p.dst2;
    i32[at + P_DST + 3] = p.dst3;
    i32[at + P_IP_LENGTH] = p.ipLength;
    if (len > 0) this.u8.set(p.data.subarray(p.ipOffset, p.ipOffset + len), (at + PACKET_WORDS) << 2);
    this.write += words;
    this.pending++;
  }

  /** Writes an owned packet as a compact record: `size` is the accounting mode's packet size. */
  compactPacket(p: DecodedPacket, timeMs: number, size: number): void {
    const at = this.reserve(COMPACT_WORDS);
    const i32 = this.i32;
    const f64 = this.f64;
    const d = at >>> 1;
    i32[at] = RecordKind.CompactPacket | (COMPACT_WORDS << 8);
    i32[at + C_SIZE] = size;
    f64[d + (P_TIME >>> 1)] = timeMs;
    f64[d + (P_SRC_MAC >>> 1)] = p.srcMac;
    f64[d + (P_DST_MAC >>> 1)] = p.dstMac;
    i32[at + C_PROTO] = p.protocol | (p.ipVersion << 8) | (p.tcpFlags << 16);
    i32[at + C_VLAN] = p.vlanId | (p.tunnelId << 16);
    i32[at + C_PORTS] = p.srcPort | (p.dstPort << 16);
    i32[at + C_SRC] = p.src0;
    i32[at + C_SRC + 1] = p.src1;
    i32[at + C_SRC + 2] = p.src2;
    i32[at + C_SRC + 3] = p.src3;
    i32[at + C_DST] = p.dst0;
    i32[at + C_DST + 1] = p.dst1;
    i32[at + C_DST + 2] = p.dst2;
    i32[at + C_DST + 3] = p.dst3;
    this.write += COMPACT_WORDS;
    this.pending++;
  }

  /** Writes a clock tick that runs the idle scan (spec §7 time ticker). */
  tick(timeMs: number): void {
    const at = this.reserve(TICK_WORDS);
    this.i32[at] = RecordKind.Tick | (TICK_WORDS << 8);
    this.f64[(at >>> 1) + 1] = timeMs;
    this.write += TICK_WORDS;
    this.pending++;
  }

  /** Writes the end-of-input marker and publishes. */
  end(): void {
    const at = this.reserve(END_WORDS);
    this.i32[at] = RecordKind.End | (END_WORDS << 8);
    this.write += END_WORDS;
    this.publish();
  }

  /** Makes the records written so far visible to the reader and wakes it. */
  publish(): void {
    this.pending = 0;
    Atomics.store(this.control, Ctl.Write, this.write | 0);
    Atomics.notify(this.control, Ctl.Write);
  }

  /** Words not yet consumed by the reader (per the last published read counter). */
  get backlog(): number {
    return (this.write - Atomics.load(this.control, Ctl.Read)) | 0;
  }

  /** Index where `words` contiguous words can be written, waiting for the reader if needed. */
  private reserve(words: number): number {
    if (words > this.maxWords) throw new RangeError(`packet record of ${words * 4} bytes exceeds the dispatch ring (${this.maxWords * 4} bytes)`);
    let at = this.write & this.mask;
    // a record does not straddle the end: pad to index 0 with a wrap marker
    const pad = at + words > this.capacity ? this.capacity - at : 0;
    const need = pad + words;
    if (((this.write - this.read) | 0) + need > this.capacity) {
      this.read = Atomics.load(this.control, Ctl.Read);
      while (((this.write - this.read) | 0) + need > this.capacity) {
        this.publish();
        if (!this.waitForSpace(this)) throw new Error('meter worker stopped while packets were being dispatched');
        this.read = Atomics.load(this.control, Ctl.Read);
      }
    }
    if (pad > 0) {
      this.i32[at] = RecordKind.Wrap;
      this.write += pad;
      at = 0;
    }
    return at;
  }
}

/** Worker side: reads records into a reusable {@link DecodedPacket}. */
export class PacketRingReader {
  readonly control: Int32Array;
  private readonly i32: Int32Array;
  private readonly f64: Float64Array;
  private readonly u8: Uint8Array;
  private readonly mask: number;
  private read = 0;
  /** Worker-local frame buffer: plugins and nDPI get a stable, non-shared `data` buffer. */
  private readonly frame = new Uint8Array(1 << 18);

  constructor(buffers: RingBuffers) {
    this.control = new Int32Array(buffers.control);
    this.i32 = new Int32Array(buffers.data);
    this.f64 = new Float64Array(buffers.data);
    this.u8 = new Uint8Array(buffers.data);
    this.mask = this.i32.length - 1;
  }

  /** The read counter (records before it are consumed). */
  get position(): number {
    return this.read;
  }

  /** True when a published record is waiting at the read position. */
  available(published: number): boolean {
    return this.read !== published;
  }

  /**
   * Reads the record at the read position and advances past it. Returns its kind; a packet is
   * written into `out`, a tick's time into {@link tickTime}. Wrap markers are skipped.
   */
  next(out: DecodedPacket): number {
    let at = this.read & this.mask;
    let head = this.i32[at]!;
    if ((head & 0xff) === RecordKind.Wrap) {
      this.read = (this.read + (this.i32.length - at)) | 0;
      at = 0;
      head = this.i32[0]!;
    }
    const kind = head & 0xff;
    this.read = (this.read + (head >>> 8)) | 0;
    if (kind === RecordKind.CompactPacket) {
      this.readCompact(at, out);
      return RecordKind.Packet;
    }
    if (kind === RecordKind.Packet) this.readPacket(at, out);
    else if (kind === RecordKind.Tick) this.tickTime = this.f64[(at >>> 1) + 1]!;
    return kind;
  }

  /** Time of the last {@link RecordKind.Tick} read. */
  tickTime = 0;

  /** Publishes the read counter so the writer can reuse the space. */
  release(): void {
    Atomics.store(this.control, Ctl.Read, this.read);
    Atomics.notify(this.control, Ctl.Read);
  }

  private readCompact(at: number, p: DecodedPacket): void {
    const i32 = this.i32;
    const f64 = this.f64;
    const d = at >>> 1;
    // the meter reads only its accounting mode's size: every size field gets it
    const size = i32[at + C_SIZE]!;
    p.rawSize = size;
    p.ipSize = size;
    p.transportSize = size;
    p.payloadSize = size;
    p.timeMs = f64[d + (P_TIME >>> 1)]!;
    p.srcMac = f64[d + (P_SRC_MAC >>> 1)]!;
    p.dstMac = f64[d + (P_DST_MAC >>> 1)]!;
    const proto = i32[at + C_PROTO]!;
    p.protocol = proto & 0xff;
    p.ipVersion = (proto >>> 8) & 0xff;
    p.tcpFlags = (proto >>> 16) & 0xff;
    const vlan = i32[at + C_VLAN]!;
    p.vlanId = vlan & 0xffff;
    p.tunnelId = vlan >>> 16;
    const ports = i32[at + C_PORTS]!;
    p.srcPort = ports & 0xffff;
    p.dstPort = ports >>> 16;
    p.src0 = i32[at + C_SRC]! >>> 0;
    p.src1 = i32[at + C_SRC + 1]! >>> 0;
    p.src2 = i32[at + C_SRC + 2]! >>> 0;
    p.src3 = i32[at + C_SRC + 3]! >>> 0;
    p.dst0 = i32[at + C_DST]! >>> 0;
    p.dst1 = i32[at + C_DST + 1]! >>> 0;
    p.dst2 = i32[at + C_DST + 2]! >>> 0;
    p.dst3 = i32[at + C_DST + 3]! >>> 0;
    p.ipLength = 0;
  }

  private readPacket(at: number, p: DecodedPacket): void {
    const i32 = this.i32;
    const f64 = this.f64;
    const d = at >>> 1;
    p.timeMs = f64[d + (P_TIME >>> 1)]!;
    p.srcMac = f64[d + (P_SRC_MAC >>> 1)]!;
    p.dstMac = f64[d + (P_DST_MAC >>> 1)]!;
    p.tsSec = f64[d + (P_TS_SEC >>> 1)]!;
    p.tsNsec = f64[d + (P_TS_NSEC >>> 1)]!;
    p.rawSize = i32[at + P_RAW]!;
    p.ipSize = i32[at + P_IP_SIZE]!;
    p.transportSize = i32[at + P_TRANSPORT]!;
    p.payloadSize = i32[at + P_PAYLOAD]!;
    const proto = i32[at + P_PROTO]!;
    p.protocol = proto & 0xff;
    p.ipVersion = (proto >>> 8) & 0xff;
    p.tcpFlags = (proto >>> 16) & 0xff;
    const vlan = i32[at + P_VLAN]!;
    p.vlanId = vlan & 0xffff;
    p.tunnelId = vlan >>> 16;
    const ports = i32[at + P_PORTS]!;
    p.srcPort = ports & 0xffff;
    p.dstPort = ports >>> 16;
    // unsigned words, as the decoder produces them
    p.src0 = i32[at + P_SRC]! >>> 0;
    p.src1 = i32[at + P_SRC + 1]! >>> 0;
    p.src2 = i32[at + P_SRC + 2]! >>> 0;
    p.src3 = i32[at + P_SRC + 3]! >>> 0;
    p.dst0 = i32[at + P_DST]! >>> 0;
    p.dst1 = i32[at + P_DST + 1]! >>> 0;
    p.dst2 = i32[at + P_DST + 2]! >>> 0;
    p.dst3 = i32[at + P_DST + 3]! >>> 0;
    p.ipLength = i32[at + P_IP_LENGTH]!;
    const len = i32[at + P_DATA_LEN]!;
    p.ipOffset = 0;
    if (len > 0) {
      const start = (at + PACKET_WORDS) << 2;
      this.frame.set(this.u8.subarray(start, start + len));
      p.data = this.frame;
    }
  }
}
