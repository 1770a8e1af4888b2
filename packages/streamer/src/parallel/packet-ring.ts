import type { CaptureRecord, DecodedPacket } from '@flowstream/core';
import { storeAddressWords, variableFields, viewMappedSegment } from '@flowstream/core/internal';

/**
 * Single-producer single-consumer ring of capture records in a SharedArrayBuffer: the main thread
 * (reader, BPF, router) writes the records a meter owns, raw or as decoded packets, plus its clock
 * ticks; that meter's worker (decodes and) meters them. A dissection thread's ring carries the
 * packets its nDPI sees and the flows' ends instead (see `ThreadedDissector`). Records are whole
 * numbers of 8-byte units so doubles stay aligned.
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
  /** 1 while the worker sleeps until records are published (the writer then notifies {@link Write}). */
  Sleeping: 6,
  /** 1 while the writer waits for space (the reader then notifies {@link Read}). */
  WriterWaiting: 7,
  /** Messages a dissection thread posted so far (the main thread waits on it for results). */
  Posted: 8,
} as const;
const CONTROL_WORDS = 9;

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
  /** A capture record this meter owns: its header fields, the meter time, and a copy of its bytes. */
  Frame: 1,
  /** As {@link Frame}, its bytes left in place in a shared chunk (see `SharedChunks`): chunk and offset. */
  SharedFrame: 5,
  /** As {@link Frame}, its bytes left in place in the mapped file segment last announced by a {@link Segment}: its offset there. */
  MappedFrame: 6,
  /** The mapped file segment the next {@link MappedFrame}s are in: its address and length (see `MappedSegments`). */
  Segment: 7,
  /** The shared clock ran the idle scan on another meter's packet (spec §7 time ticker). */
  Tick: 2,
  Wrap: 3,
  /** End of input: flush. */
  End: 4,
  /**
   * A packet this meter owns, decoded by the main thread: its fields alone, no bytes (meters
   * that never read a packet's bytes: no nDPI, no plugins).
   */
  Packet: 8,
  /**
   * For a dissection thread: a packet its nDPI sees, the flow's slot and packet count (1: the
   * flow's first), the meter time and a copy of the IP bytes.
   */
  Dissect: 9,
  /** For a dissection thread: the flow at a slot expired (its fields go back, in this order). */
  Expire: 10,
} as const;

// Frame record layout, in 32-bit words from the record start (word 1: the bytes that follow).
const F_TIME = 2; // f64 (words 2–3): the meter time, clamped to the shared clock
const F_TS_SEC = 4; // f64
const F_TS_NSEC = 6; // f64
const F_CAPLEN = 8;
const F_WIRE = 9;
const F_LINK = 10;
/** Byte offset (0–3) of the first frame byte in the data words: the source's alignment, so words copy whole. */
const F_SHIFT = 11;
// A shared frame has the same fields, with the chunk in word 1 and the frame's offset in word 11.
const S_CHUNK = 1;
const S_OFFSET = 11;
/** Words of a frame record before its bytes (even). */
const FRAME_WORDS = 12;
const TICK_WORDS = 4;
// Packet record layout, in 32-bit words from the record start.
const P_SMALL = 1; // protocol | ipVersion << 8 | tcpFlags << 16
const P_TIME = 2; // f64 (words 2–3): the meter time
const P_TS_SEC = 4; // f64
const P_TS_NSEC = 6; // f64
const P_SRC_MAC = 8; // f64
const P_DST_MAC = 10; // f64
const P_RAW = 12;
const P_IP = 13;
const P_TRANSPORT = 14;
const P_PAYLOAD = 15;
const P_VLAN = 16;
const P_TUNNEL = 17;
const P_PORTS = 18; // srcPort | dstPort << 16
const P_ADDRESSES = 19; // src0 … src3, dst0 … dst3
/** Words of a packet record (even). */
const PACKET_WORDS = 28;
// Compact packet record: an IPv4 packet (address words 1–3 zero) whose sizes and VLAN id fit 16 bits (nearly all of them) in
// 64 bytes instead of 112. Every byte of the ring crosses cores, the dearest part of handing a
// packet over (scripts/cross-core-bench.mjs); the capture timestamp is left out, as only plugins
// read it and a meter given decoded packets runs none (`workersReadBytes`).
const C_SRC_MAC = 4; // f64
const C_DST_MAC = 6; // f64
const C_SIZES = 8; // rawSize | ipSize << 16
const C_L4_SIZES = 9; // transportSize | payloadSize << 16
const C_VLAN = 10;
const C_TUNNEL = 11;
const C_PORTS = 12;
const C_SRC = 13;
const C_DST = 14;
/** Words of a compact packet record (the kind tells it from a full one by its size). */
const COMPACT_PACKET_WORDS = 16;
// Dissect record layout, in 32-bit words from the record start (the IP bytes follow, as a frame's do).
const D_SLOT = 1;
const D_TIME = 2; // f64 (words 2–3): the meter time
const D_PACKETS = 4;
const D_LENGTH = 5;
const D_SHIFT = 6;
const D_TICKET = 7;
/** Words of a dissect record before its bytes (even). */
const DISSECT_WORDS = 8;
const EXPIRE_WORDS = 2;
const SEGMENT_WORDS = 6;
const END_WORDS = 2;
/** Longest wait for space before the writer checks that its reader still reads, ms. */
const SPACE_WAIT_MS = 50;

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
  /** The mapped segment the last {@link mappedFrame} was in (the reader knows it). */
  private segment: Uint8Array | null = null;
  /** The reader's buffer the word views below cover (replaced only when the reader grows it). */
  private source: Uint8Array | null = null;
  private sourceWords: Int32Array<ArrayBufferLike> = new Int32Array(0);
  /**
   * `source.byteOffset`, kept: read per packet, the getter was a call to V8's generic property
   * load in the optimised code (`--print-opt-code`), twice a packet handed to a dissection thread.
   */
  private sourceOffset = 0;

  /**
   * @param stillReading asked while the ring is full (after publishing, before each wait for
   *   space); must return false when the reader will never free space (worker failed or
   *   stopped), which makes writes throw.
   */
  constructor(
    buffers: RingBuffers,
    private readonly stillReading: (writer: PacketRingWriter) => boolean,
  ) {
    this.control = new Int32Array(buffers.control);
    this.i32 = new Int32Array(buffers.data);
    this.f64 = new Float64Array(buffers.data);
    this.u8 = new Uint8Array(buffers.data);
    this.capacity = this.i32.length;
    this.mask = this.capacity - 1;
    this.maxWords = this.capacity >>> 2;
    // refreshed only once the ring first looks full, after the packet path was optimised
    variableFields(this, 'read', 'sourceOffset');
  }

  /** Writes a record whose bytes are in shared chunk `chunk` (its `data`), with `rec.timeMs` as its meter time. */
  sharedFrame(rec: CaptureRecord, chunk: number): void {
    const at = this.reserve(FRAME_WORDS);
    this.fields(at, RecordKind.SharedFrame | (FRAME_WORDS << 8), rec, chunk, rec.offset);
    this.write += FRAME_WORDS;
    this.pending++;
  }

  /**
   * Writes a record whose bytes are in the mapped file segment `segment` (its `data`; see
   * `MappedSegments`), at `address` in the process, with `rec.timeMs` as its meter time; first the
   * segment, when the reader was not told of it yet.
   */
  mappedFrame(rec: CaptureRecord, segment: Uint8Array, address: number): void {
    if (this.segment !== segment) this.announce(segment, address);
    const at = this.reserve(FRAME_WORDS);
    this.fields(at, RecordKind.MappedFrame | (FRAME_WORDS << 8), rec, 0, rec.offset);
    this.write += FRAME_WORDS;
    this.pending++;
  }

  /** Tells the reader the segment its next mapped frames are in. */
  private announce(segment: Uint8Array, address: number): void {
    this.segment = segment;
    const at = this.reserve(SEGMENT_WORDS);
    this.i32[at] = RecordKind.Segment | (SEGMENT_WORDS << 8);
    this.f64[(at >>> 1) + 1] = address;
    this.f64[(at >>> 1) + 2] = segment.length;
    this.write += SEGMENT_WORDS;
  }

  /**
   * Writes a record with `rec.timeMs` as its meter time and a copy of its bytes: for records the
   * reader could not read into a shared chunk. Copies whole 32-bit words (the frame keeps its
   * source alignment inside the record), so nothing is allocated.
   */
  frame(rec: CaptureRecord): void {
    const data = rec.data;
    const caplen = rec.caplen;
    if (data !== this.source) this.viewSource(data);
    const shift = (this.sourceOffset + rec.offset) & 3;
    const words = FRAME_WORDS + (((shift + caplen + 7) >>> 3) << 1);
    const at = this.reserve(words);
    this.fields(at, RecordKind.Frame | (words << 8), rec, caplen, shift);
    this.copyBytes(data, rec.offset, caplen, at + FRAME_WORDS);
    this.write += words;
    this.pending++;
  }

  /**
   * Writes a packet for a dissection thread: the flow's `slot`, its packet count `flowPackets`
   * (1: its first packet), its `ticket` (see `ThreadedDissector`), `p.timeMs` and a copy of the
   * IP bytes nDPI reads (`p.ipLength` from `p.ipOffset`).
   */
  dissect(slot: number, flowPackets: number, ticket: number, p: DecodedPacket): void {
    const data = p.data;
    const length = p.ipLength;
    if (data !== this.source) this.viewSource(data);
    const shift = (this.sourceOffset + p.ipOffset) & 3;
    const words = DISSECT_WORDS + (((shift + length + 7) >>> 3) << 1);
    const at = this.reserve(words);
    const i32 = this.i32;
    i32[at] = RecordKind.Dissect | (words << 8);
    i32[at + D_SLOT] = slot;
    this.f64[(at >>> 1) + (D_TIME >>> 1)] = p.timeMs;
    i32[at + D_PACKETS] = flowPackets;
    i32[at + D_LENGTH] = length;
    i32[at + D_SHIFT] = shift;
    i32[at + D_TICKET] = ticket;
    this.copyBytes(data, p.ipOffset, length, at + DISSECT_WORDS);
    this.write += words;
    this.pending++;
  }

  /** Writes the end of the flow at `slot`, for a dissection thread. */
  expire(slot: number): void {
    const at = this.reserve(EXPIRE_WORDS);
    this.i32[at] = RecordKind.Expire | (EXPIRE_WORDS << 8);
    this.i32[at + D_SLOT] = slot;
    this.write += EXPIRE_WORDS;
    this.pending++;
  }

  /**
   * Copies `length` bytes of `data` from `offset` into the ring from word `to` on, as whole
   * 32-bit words: the bytes keep their source alignment (`(data.byteOffset + offset) & 3` bytes
   * into the first word), so nothing is allocated and few stores are made.
   */
  private copyBytes(data: Uint8Array, offset: number, length: number, to: number): void {
    const from = this.sourceOffset + offset;
    const shift = from & 3;
    const i32 = this.i32;
    const src = this.sourceWords;
    const first = from >>> 2;
    const needed = (shift + length + 3) >>> 2;
    const whole = Math.min(needed, src.length - first);
    for (let k = 0; k < whole; k++) i32[to + k] = src[first + k]!;
    // a buffer whose length is no multiple of 4 ends in a part word: its bytes one by one
    if (whole < needed) {
      const u8 = this.u8;
      for (let k = Math.max(whole << 2, shift); k < shift + length; k++) u8[(to << 2) + k] = data[offset - shift + k]!;
    }
  }

  /** Writes a packet decoded here (its fields, no bytes), `p.timeMs` being its meter time. */
  packet(p: DecodedPacket): void {
    const narrow = ((p.rawSize | p.ipSize | p.transportSize | p.payloadSize | p.vlanId) & ~0xffff) === 0;
    const compact = p.ipVersion === 4 && narrow && (p.src1 | p.src2 | p.src3 | p.dst1 | p.dst2 | p.dst3) === 0;
    const words = compact ? COMPACT_PACKET_WORDS : PACKET_WORDS;
    const at = this.reserve(words);
    const i32 = this.i32;
    const f64 = this.f64;
    const d = at >>> 1;
    i32[at] = RecordKind.Packet | (words << 8);
    i32[at + P_SMALL] = p.protocol | (p.ipVersion << 8) | (p.tcpFlags << 16);
    f64[d + (P_TIME >>> 1)] = p.timeMs;
    if (compact) {
      f64[d + (C_SRC_MAC >>> 1)] = p.srcMac;
      f64[d + (C_DST_MAC >>> 1)] = p.dstMac;
      i32[at + C_SIZES] = p.rawSize | (p.ipSize << 16);
      i32[at + C_L4_SIZES] = p.transportSize | (p.payloadSize << 16);
      i32[at + C_VLAN] = p.vlanId;
      i32[at + C_TUNNEL] = p.tunnelId;
      i32[at + C_PORTS] = p.srcPort | (p.dstPort << 16);
      i32[at + C_SRC] = p.src0;
      i32[at + C_DST] = p.dst0;
    } else {
      f64[d + (P_TS_SEC >>> 1)] = p.tsSec;
      f64[d + (P_TS_NSEC >>> 1)] = p.tsNsec;
      f64[d + (P_SRC_MAC >>> 1)] = p.srcMac;
      f64[d + (P_DST_MAC >>> 1)] = p.dstMac;
      i32[at + P_RAW] = p.rawSize;
      i32[at + P_IP] = p.ipSize;
      i32[at + P_TRANSPORT] = p.transportSize;
      i32[at + P_PAYLOAD] = p.payloadSize;
      i32[at + P_VLAN] = p.vlanId;
      i32[at + P_TUNNEL] = p.tunnelId;
      i32[at + P_PORTS] = p.srcPort | (p.dstPort << 16);
      storeAddressWords(p, i32, at + P_ADDRESSES);
    }
    this.write += words;
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

  /** Makes the records written so far visible to the reader, and wakes it if it sleeps. */
  publish(): void {
    this.pending = 0;
    Atomics.store(this.control, Ctl.Write, this.write | 0);
    if (Atomics.load(this.control, Ctl.Sleeping) !== 0) Atomics.notify(this.control, Ctl.Write);
  }

  /** The write counter: records written before it (published or not) end there. */
  get written(): number {
    return this.write | 0;
  }

  /** The reader's published read counter (it consumed every record before it). */
  get consumed(): number {
    return (this.read = Atomics.load(this.control, Ctl.Read));
  }

  /**
   * Publishes, then blocks until the reader releases past the counter last seen in
   * {@link consumed} (or {@link SPACE_WAIT_MS} passed). Throws when the reader never will.
   */
  awaitReader(): void {
    this.publish();
    if (!this.stillReading(this)) throw new Error('meter worker stopped while packets were being dispatched');
    const control = this.control;
    // the reader notifies only a waiting writer: announce the wait (the wait itself re-checks the counter)
    Atomics.store(control, Ctl.WriterWaiting, 1);
    Atomics.wait(control, Ctl.Read, this.read, SPACE_WAIT_MS);
    Atomics.store(control, Ctl.WriterWaiting, 0);
  }

  /** The fields of a frame record at `at`; words 1 and 11 depend on its kind. */
  private fields(at: number, head: number, rec: CaptureRecord, word1: number, word11: number): void {
    const i32 = this.i32;
    const f64 = this.f64;
    const d = at >>> 1;
    i32[at] = head;
    i32[at + 1] = word1;
    f64[d + (F_TIME >>> 1)] = rec.timeMs;
    f64[d + (F_TS_SEC >>> 1)] = rec.tsSec;
    f64[d + (F_TS_NSEC >>> 1)] = rec.tsNsec;
    i32[at + F_CAPLEN] = rec.caplen;
    i32[at + F_WIRE] = rec.wireLength;
    i32[at + F_LINK] = rec.linkType;
    i32[at + 11] = word11;
  }

  private viewSource(data: Uint8Array): void {
    this.source = data;
    this.sourceOffset = data.byteOffset;
    const buffer = data.buffer;
    this.sourceWords = new Int32Array(buffer, 0, buffer.byteLength >>> 2);
  }

  /** Index where `words` contiguous words can be written, waiting for the reader if needed. */
  private reserve(words: number): number {
    if (words > this.maxWords) throw new RangeError(`capture record of ${words * 4} bytes exceeds the dispatch ring (${this.maxWords * 4} bytes)`);
    let at = this.write & this.mask;
    // a record does not straddle the end: pad to index 0 with a wrap marker
    const pad = at + words > this.capacity ? this.capacity - at : 0;
    const need = pad + words;
    if (((this.write - this.read) | 0) + need > this.capacity) {
      while (((this.write - this.consumed) | 0) + need > this.capacity) this.awaitReader();
    }
    if (pad > 0) {
      this.i32[at] = RecordKind.Wrap;
      this.write += pad;
      at = 0;
    }
    return at;
  }
}

/** Worker side: reads records into a reusable {@link CaptureRecord}. */
export class PacketRingReader {
  readonly control: Int32Array;
  private readonly i32: Int32Array;
  private readonly f64: Float64Array;
  /**
   * Address words and tunnel ids, read as unsigned: `i32[x] >>> 0` made V8 guess small integers
   * from the first packets and deoptimise at the first address past 2^31.
   */
  private readonly u32: Uint32Array;
  private readonly u8: Uint8Array;
  private readonly mask: number;
  private read = 0;
  /** Worker-local copy of the frame (plugins): a stable, non-shared `data` buffer. */
  private local = new Int32Array(1 << 16);
  private localBytes = new Uint8Array(this.local.buffer);
  private readonly chunkBytes: Uint8Array[];
  private readonly chunkWords: Int32Array[];
  /** The mapped segment of the last {@link RecordKind.Segment} (empty before one). */
  private segmentBytes: Uint8Array = new Uint8Array(0);
  private segmentWords: Int32Array = new Int32Array(0);

  /**
   * @param chunks the shared chunks records may point into (see `SharedChunks`).
   * @param copyFrames give records a private copy of their bytes instead of a view of shared
   *   memory (plugins get `data` as theirs to read as they like, as with one meter; nDPI reads
   *   shared memory in place).
   */
  constructor(
    buffers: RingBuffers,
    chunks: readonly SharedArrayBuffer[],
    private readonly copyFrames: boolean,
  ) {
    this.control = new Int32Array(buffers.control);
    this.i32 = new Int32Array(buffers.data);
    this.f64 = new Float64Array(buffers.data);
    this.u32 = new Uint32Array(buffers.data);
    this.u8 = new Uint8Array(buffers.data);
    this.mask = this.i32.length - 1;
    this.chunkBytes = chunks.map((c) => new Uint8Array(c));
    this.chunkWords = chunks.map((c) => new Int32Array(c));
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
   * Reads the record at the read position and advances past it. Returns its kind; a frame is
   * written into `out` (its bytes stay valid until the next {@link release}), a decoded packet's
   * fields into `packet`, a tick's time into {@link tickTime}. Wrap markers are skipped.
   */
  next(out: CaptureRecord, packet: DecodedPacket): number {
    let at = this.read & this.mask;
    let head = this.i32[at]!;
    if ((head & 0xff) === RecordKind.Wrap) {
      this.read = (this.read + (this.i32.length - at)) | 0;
      at = 0;
      head = this.i32[0]!;
    }
    const kind = head & 0xff;
    const words = head >>> 8;
    this.read = (this.read + words) | 0;
    if (kind === RecordKind.Packet) {
      this.readPacket(at, words, packet);
      return kind;
    }
    if (kind === RecordKind.Dissect) {
      this.readDissect(at, packet);
      return kind;
    }
    if (kind === RecordKind.Expire) {
      this.slot = this.i32[at + D_SLOT]!;
      return kind;
    }
    if (kind === RecordKind.MappedFrame) {
      this.readInPlace(at, this.segmentBytes, this.segmentWords, out);
      return RecordKind.Frame;
    }
    if (kind === RecordKind.SharedFrame) {
      const chunk = this.i32[at + S_CHUNK]!;
      this.readInPlace(at, this.chunkBytes[chunk]!, this.chunkWords[chunk]!, out);
      return RecordKind.Frame;
    }
    if (kind === RecordKind.Frame) this.readFrame(at, words, out);
    else if (kind === RecordKind.Tick) this.tickTime = this.f64[(at >>> 1) + 1]!;
    else if (kind === RecordKind.Segment) {
      this.viewSegment(this.f64[(at >>> 1) + 1]!, this.f64[(at >>> 1) + 2]!);
      return this.next(out, packet);
    }
    return kind;
  }

  /** Time of the last {@link RecordKind.Tick} read. */
  tickTime = 0;
  /** The flow slot of the last {@link RecordKind.Dissect} or {@link RecordKind.Expire} read. */
  slot = 0;
  /** The flow's packet count of the last {@link RecordKind.Dissect} read (1: its first packet). */
  flowPackets = 0;
  /** The flow's ticket of the last {@link RecordKind.Dissect} read. */
  ticket = 0;

  /**
   * A dissect record's packet: `data` is the ring itself (the bytes stay valid until the next
   * {@link release}), `ipOffset` and `ipLength` their place there, `timeMs` the meter time.
   */
  private readDissect(at: number, p: DecodedPacket): void {
    const i32 = this.i32;
    this.slot = i32[at + D_SLOT]!;
    this.flowPackets = i32[at + D_PACKETS]!;
    this.ticket = i32[at + D_TICKET]!;
    p.timeMs = this.f64[(at >>> 1) + (D_TIME >>> 1)]!;
    p.data = this.u8;
    p.ipOffset = ((at + DISSECT_WORDS) << 2) + i32[at + D_SHIFT]!;
    p.ipLength = i32[at + D_LENGTH]!;
  }

  /** Publishes the read counter so the writer can reuse the space (and wakes it if it waits). */
  release(): void {
    Atomics.store(this.control, Ctl.Read, this.read);
    if (Atomics.load(this.control, Ctl.WriterWaiting) !== 0) Atomics.notify(this.control, Ctl.Read);
  }

  /**
   * The fields of a {@link RecordKind.Packet} of `words` (its `data` stays empty: such a meter never
   * reads bytes); a compact one (see {@link COMPACT_PACKET_WORDS}) has no capture timestamp (NaN).
   */
  private readPacket(at: number, words: number, p: DecodedPacket): void {
    const i32 = this.i32;
    const u32 = this.u32;
    const f64 = this.f64;
    const d = at >>> 1;
    const small = i32[at + P_SMALL]!;
    p.protocol = small & 0xff;
    p.ipVersion = (small >>> 8) & 0xff;
    p.tcpFlags = small >>> 16;
    p.timeMs = f64[d + (P_TIME >>> 1)]!;
    if (words === COMPACT_PACKET_WORDS) {
      p.tsSec = NaN;
      p.tsNsec = NaN;
      p.srcMac = f64[d + (C_SRC_MAC >>> 1)]!;
      p.dstMac = f64[d + (C_DST_MAC >>> 1)]!;
      const sizes = i32[at + C_SIZES]!;
      p.rawSize = sizes & 0xffff;
      p.ipSize = sizes >>> 16;
      const l4 = i32[at + C_L4_SIZES]!;
      p.transportSize = l4 & 0xffff;
      p.payloadSize = l4 >>> 16;
      p.vlanId = i32[at + C_VLAN]!;
      p.tunnelId = u32[at + C_TUNNEL]!;
      const ports = i32[at + C_PORTS]!;
      p.srcPort = ports & 0xffff;
      p.dstPort = ports >>> 16;
      p.src0 = u32[at + C_SRC]!;
      p.src1 = 0;
      p.src2 = 0;
      p.src3 = 0;
      p.dst0 = u32[at + C_DST]!;
      p.dst1 = 0;
      p.dst2 = 0;
      p.dst3 = 0;
      return;
    }
    p.tsSec = f64[d + (P_TS_SEC >>> 1)]!;
    p.tsNsec = f64[d + (P_TS_NSEC >>> 1)]!;
    p.srcMac = f64[d + (P_SRC_MAC >>> 1)]!;
    p.dstMac = f64[d + (P_DST_MAC >>> 1)]!;
    p.rawSize = i32[at + P_RAW]!;
    p.ipSize = i32[at + P_IP]!;
    p.transportSize = i32[at + P_TRANSPORT]!;
    p.payloadSize = i32[at + P_PAYLOAD]!;
    p.vlanId = i32[at + P_VLAN]!;
    p.tunnelId = u32[at + P_TUNNEL]!;
    const ports = i32[at + P_PORTS]!;
    p.srcPort = ports & 0xffff;
    p.dstPort = ports >>> 16;
    const a = at + P_ADDRESSES;
    p.src0 = u32[a]!;
    p.src1 = u32[a + 1]!;
    p.src2 = u32[a + 2]!;
    p.src3 = u32[a + 3]!;
    p.dst0 = u32[a + 4]!;
    p.dst1 = u32[a + 5]!;
    p.dst2 = u32[a + 6]!;
    p.dst3 = u32[a + 7]!;
  }

  /** The fields both frame kinds share. */
  private readFields(at: number, rec: CaptureRecord): void {
    const i32 = this.i32;
    const f64 = this.f64;
    const d = at >>> 1;
    rec.timeMs = f64[d + (F_TIME >>> 1)]!;
    rec.tsSec = f64[d + (F_TS_SEC >>> 1)]!;
    rec.tsNsec = f64[d + (F_TS_NSEC >>> 1)]!;
    rec.caplen = i32[at + F_CAPLEN]!;
    rec.wireLength = i32[at + F_WIRE]! >>> 0;
    rec.linkType = i32[at + F_LINK]!;
  }

  private readFrame(at: number, words: number, rec: CaptureRecord): void {
    this.readFields(at, rec);
    const shift = this.i32[at + F_SHIFT]!;
    const start = at + FRAME_WORDS;
    if (this.copyFrames) this.copyOut(this.u8, this.i32, start, words - FRAME_WORDS, shift, rec);
    else {
      rec.data = this.u8;
      rec.offset = (start << 2) + shift;
    }
  }

  /** A frame whose bytes are in shared memory (`bytes`, also as `words`): read there, or copied out. */
  private readInPlace(at: number, bytes: Uint8Array, words: Int32Array, rec: CaptureRecord): void {
    this.readFields(at, rec);
    const offset = this.i32[at + S_OFFSET]!;
    if (this.copyFrames) {
      const first = offset >>> 2;
      this.copyOut(bytes, words, first, ((offset + rec.caplen + 3) >>> 2) - first, offset & 3, rec);
    } else {
      rec.data = bytes;
      rec.offset = offset;
    }
  }

  /** Views the segment the main thread mapped (the pages are the process's: nothing is mapped or copied here). */
  private viewSegment(address: number, length: number): void {
    this.segmentBytes = viewMappedSegment(address, length);
    // a file's length need not be a multiple of 4: its last bytes are copied one by one
    this.segmentWords = new Int32Array(this.segmentBytes.buffer, 0, length >>> 2);
  }

  /**
   * Copies the `n` words of `from` at `start` that hold the frame (`rec.caplen` bytes, `shift`
   * bytes in) to the worker-local buffer. Memory whose length is no multiple of 4 (a segment
   * ending with the file) ends in a part word: its bytes come from `bytes`, the same memory.
   */
  private copyOut(bytes: Uint8Array, from: Int32Array, start: number, n: number, shift: number, rec: CaptureRecord): void {
    if (n > this.local.length) {
      this.local = new Int32Array(n);
      this.localBytes = new Uint8Array(this.local.buffer);
    }
    const local = this.local;
    const whole = Math.min(n, from.length - start);
    for (let k = 0; k < whole; k++) local[k] = from[start + k]!;
    for (let k = whole << 2, end = shift + rec.caplen; k < end; k++) this.localBytes[k] = bytes[(start << 2) + k]!;
    rec.data = this.localBytes;
    rec.offset = shift;
  }
}
