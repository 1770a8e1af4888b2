import type { CaptureRecord } from '@flowstream/core';
import { DUMP_RECORD_HEADER } from './libpcap-live.js';

/**
 * Single-producer single-consumer ring of captured packets in a SharedArrayBuffer: libpcap itself
 * writes each batch of packets into the room the capture worker reserved, as pcap records
 * (kernel timestamp, caplen, wire length, bytes), and the worker publishes the batch; the main
 * thread reads the packets in place. Same scheme as the dispatch ring of parallel meters
 * (`parallel/packet-ring.ts`: 32-bit word counters that only grow, a power-of-two size, a wrap
 * marker instead of straddling the end). A full ring makes the capturing worker wait, so packets
 * queue in the kernel's buffer; only after a stop does a full ring drop packets (read into the
 * scratch space past the ring and counted as `ring_full`).
 */

/** Control words (Int32Array over the control buffer). */
export const CaptureCtl = {
  /** Published write counter (worker → main). */
  Write: 0,
  /** Consumed read counter (main → worker). */
  Read: 1,
  /** See {@link CaptureState}. */
  State: 2,
  /** Set by the main thread to end the capture loop. */
  Stop: 3,
  /** 1 while the main thread waits for records (the worker then notifies `Write`). */
  Waiting: 4,
  /** `pcap_stats`: packets received by the filter (u32, libpcap's counter). */
  PsRecv: 5,
  /** `pcap_stats`: packets dropped by the kernel (buffer full). */
  PsDrop: 6,
  /** `pcap_stats`: packets dropped by the interface or driver. */
  PsIfDrop: 7,
  /** Packets the worker dropped because the ring was full. */
  RingDrops: 8,
  /** Last time (ms after {@link CaptureRingBuffers.epochMs}) the kernel had nothing pending. */
  QuietMs: 9,
  /** Packets captured with caplen < wire length. */
  Truncated: 10,
} as const;
const CONTROL_WORDS = 16;

/** Worker lifecycle in {@link CaptureCtl.State}. */
export const CaptureState = {
  Booting: 0,
  Running: 1,
  /** The loop ended (stop or error); the handle is no longer used by the worker. */
  Ended: 2,
} as const;

const KIND_BATCH = 2;
const KIND_WRAP = 3;
/** Batch header in words: kind|words<<8, packets, the factor of the timestamps' fraction to ns (1 or 1000). */
const BATCH_HEADER_WORDS = 3;

/** The shared memory of one capture ring. */
export interface CaptureRingBuffers {
  readonly control: SharedArrayBuffer;
  /** The ring (its first {@link ringBytes}), then the worker's scratch space (see {@link captureScratchBytes}). */
  readonly data: SharedArrayBuffer;
  /** Bytes of the ring proper: a power of two. */
  readonly ringBytes: number;
  /** Epoch ms that {@link CaptureCtl.QuietMs} is relative to. */
  readonly epochMs: number;
}

/** Scratch space past the ring that a stopping worker reads the packets the full ring cannot take into (see {@link captureScratchBytes}). */
const SCRATCH_BYTES = 1 << 20;
/** Bytes past what libpcap may write that it is given anyway (the memory stream writes a NUL after its data). */
export const SCRATCH_SLACK = 8;
/** libpcap's largest snapshot length (`MAXIMUM_SNAPLEN`). */
const MAX_SNAPSHOT_LENGTH = 262144;

/** Bytes a packet of the snapshot length takes as a pcap record (libpcap caps the length at 262144). */
export function pcapRecordBytes(snapshotLength: number): number {
  return DUMP_RECORD_HEADER + Math.min(snapshotLength, MAX_SNAPSHOT_LENGTH);
}

/** Bytes of scratch space to allocate past the ring: a batch of packets, at least one of the snapshot length. */
function captureScratchBytes(snapshotLength: number): number {
  return Math.max(SCRATCH_BYTES, pcapRecordBytes(snapshotLength)) + SCRATCH_SLACK;
}

/**
 * Allocates a ring of at least `bytes` (a power of two, at least 1 MiB), followed by the scratch
 * space a capture of `snapshotLength` needs.
 */
export function allocateCaptureRing(bytes: number, snapshotLength: number): CaptureRingBuffers {
  let size = 1 << 20;
  while (size < bytes) size *= 2;
  const data = new SharedArrayBuffer(size + captureScratchBytes(snapshotLength));
  return { control: new SharedArrayBuffer(CONTROL_WORDS * 4), data, ringBytes: size, epochMs: Date.now() };
}

/**
 * Worker side. {@link reserveBatch} returns the byte offset where libpcap may write up to the bytes
 * asked for, as pcap records (see `DUMP_RECORD_HEADER`), or -1 when the ring has no room for them;
 * {@link commitBatch} writes the batch header and publishes the packets written.
 */
export class CaptureRingWriter {
  readonly control: Int32Array;
  private readonly i32: Int32Array;
  private readonly mask: number;
  private readonly capacity: number;
  private write = 0;
  private read = 0;
  private at = 0;

  constructor(buffers: CaptureRingBuffers) {
    this.control = new Int32Array(buffers.control);
    this.i32 = new Int32Array(buffers.data, 0, buffers.ringBytes >>> 2);
    this.capacity = this.i32.length;
    this.mask = this.capacity - 1;
  }

  /** Reserves room for a batch of up to `bytes` of records; returns the byte offset of its first record, or -1 if full. */
  reserveBatch(bytes: number): number {
    const words = BATCH_HEADER_WORDS + ((bytes + 3) >>> 2);
    let at = this.write & this.mask;
    const pad = at + words > this.capacity ? this.capacity - at : 0;
    if (((this.write - this.read) | 0) + pad + words > this.capacity) {
      this.read = Atomics.load(this.control, CaptureCtl.Read);
      if (((this.write - this.read) | 0) + pad + words > this.capacity) return -1;
    }
    if (pad > 0) {
      this.i32[at] = KIND_WRAP;
      this.write = (this.write + pad) | 0;
      at = 0;
    }
    this.at = at;
    return (at + BATCH_HEADER_WORDS) << 2;
  }

  /** Completes the reserved batch with the `packets` libpcap wrote (`bytes` in all) and makes it visible to the reader. */
  commitBatch(packets: number, bytes: number, toNs: number): void {
    const i32 = this.i32;
    const at = this.at;
    const words = BATCH_HEADER_WORDS + ((bytes + 3) >>> 2);
    i32[at] = KIND_BATCH | (words << 8);
    i32[at + 1] = packets;
    i32[at + 2] = toNs;
    this.write = (this.write + words) | 0;
    Atomics.store(this.control, CaptureCtl.Write, this.write);
  }
}

/** Main-thread side: reads records in place into a {@link CaptureRecord}. */
export class CaptureRingReader {
  readonly control: Int32Array;
  private readonly i32: Int32Array;
  private readonly u8: Uint8Array;
  private readonly view: DataView;
  private readonly mask: number;
  private read = 0;
  private next = 0;
  /** Packets of the current batch not read yet, the byte offset of the next one, and its fraction's factor to ns. */
  private left = 0;
  private pos = 0;
  private toNs = 1;

  constructor(buffers: CaptureRingBuffers) {
    this.control = new Int32Array(buffers.control);
    this.i32 = new Int32Array(buffers.data, 0, buffers.ringBytes >>> 2);
    this.u8 = new Uint8Array(buffers.data);
    this.view = new DataView(buffers.data);
    this.mask = this.i32.length - 1;
  }

  /**
   * Reads the next packet into `r` (data is a view of the ring, valid until the next call),
   * releasing a batch read to its end (its bytes may be overwritten from then on). Returns false
   * when the ring is empty.
   */
  take(r: CaptureRecord): boolean {
    if (this.left === 0) {
      if (this.next !== this.read) {
        this.read = this.next;
        Atomics.store(this.control, CaptureCtl.Read, this.read);
      }
      if (this.read === Atomics.load(this.control, CaptureCtl.Write)) return false;
      let at = this.read & this.mask;
      let head = this.i32[at]!;
      if ((head & 0xff) === KIND_WRAP) {
        this.read = (this.read + (this.i32.length - at)) | 0;
        at = 0;
        head = this.i32[0]!;
      }
      this.next = (this.read + (head >>> 8)) | 0;
      this.left = this.i32[at + 1]!;
      this.toNs = this.i32[at + 2]!;
      this.pos = (at + BATCH_HEADER_WORDS) << 2;
    }
    // a pcap record as pcap_dump writes it, in host order: seconds, fraction, caplen, wire length
    const v = this.view;
    const pos = this.pos;
    const sec = v.getUint32(pos, true);
    const nsec = v.getUint32(pos + 4, true) * this.toNs;
    const caplen = v.getUint32(pos + 8, true);
    r.data = this.u8;
    r.offset = pos + DUMP_RECORD_HEADER;
    r.caplen = caplen;
    r.wireLength = v.getUint32(pos + 12, true);
    r.tsSec = sec;
    r.tsNsec = nsec;
    // spec §1.2: NFStream's ms time truncates the capture timestamp
    r.timeMs = sec * 1000 + Math.floor(nsec / 1_000_000);
    this.pos = pos + DUMP_RECORD_HEADER + caplen;
    this.left--;
    return true;
  }

  /** True when no published packet is waiting. */
  get empty(): boolean {
    return this.left === 0 && this.next === Atomics.load(this.control, CaptureCtl.Write);
  }
}
