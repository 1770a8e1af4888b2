import type { WindowBuffers } from '@flowstream/core/internal';
import type { PacketRingWriter } from './packet-ring.js';

/** Bytes per chunk (one read each): small enough that the pool stays in cache while the reader cycles through it. */
export const CHUNK_BYTES = 1 << 20;
/** Chunks in the pool: how far (in bytes of capture) the main thread may read ahead of the slowest meter. */
const CHUNKS = 8;

/**
 * The buffers the capture readers of a parallel run read into (see `WindowBuffers`): a pool of
 * shared-memory chunks that every meter worker maps, so a record goes to its meter as a
 * reference (chunk, offset) and is decoded in place, never copied. A chunk the reader left is
 * handed out again only once every meter has consumed the records written to its ring up to
 * then: the ring's write counter at that moment is the chunk's fence.
 */
export class SharedChunks implements WindowBuffers {
  /** The chunks' memory, in index order (for the workers). */
  readonly memory: readonly SharedArrayBuffer[];
  private readonly views: Uint8Array[];
  /** Per chunk and ring: the ring's write counter when the reader left the chunk. */
  private readonly fences: Int32Array;
  /** Per chunk: 1 while records written before its fences may still point into it. */
  private readonly fenced: Uint8Array;
  /** Index of the chunk the reader fills (or filled last, while it reads a private buffer). */
  private current = -1;
  /** The chunk the reader fills, or null while it reads a private buffer (its records travel as copies). */
  private currentView: Uint8Array | null = null;

  /** @param writers one ring per meter. */
  constructor(private readonly writers: readonly PacketRingWriter[]) {
    const memory: SharedArrayBuffer[] = [];
    for (let i = 0; i < CHUNKS; i++) memory.push(new SharedArrayBuffer(CHUNK_BYTES));
    this.memory = memory;
    this.views = memory.map((m) => new Uint8Array(m));
    this.fences = new Int32Array(CHUNKS * writers.length);
    this.fenced = new Uint8Array(CHUNKS);
  }

  /** The chunk holding `data`, or -1 when it is not shared memory (the record must be copied). */
  chunkOf(data: Uint8Array): number {
    return data === this.currentView ? this.current : -1;
  }

  next(size: number): Uint8Array {
    this.leave();
    if (size > CHUNK_BYTES) return new Uint8Array(size);
    const c = (this.current + 1) % CHUNKS;
    this.waitUntilFree(c);
    this.current = c;
    this.currentView = this.views[c]!;
    return this.currentView;
  }

  /** Fences the current chunk with the rings' write counters. */
  private leave(): void {
    if (this.currentView === null) return;
    this.currentView = null;
    const c = this.current;
    const writers = this.writers;
    for (let i = 0; i < writers.length; i++) this.fences[c * writers.length + i] = writers[i]!.written;
    this.fenced[c] = 1;
  }

  /** Waits until every meter consumed the records that may point into chunk `c`. */
  private waitUntilFree(c: number): void {
    if (this.fenced[c] === 0) return;
    const writers = this.writers;
    for (let i = 0; i < writers.length; i++) {
      const w = writers[i]!;
      const fence = this.fences[c * writers.length + i]!;
      while (((w.consumed - fence) | 0) < 0) w.awaitReader();
    }
    this.fenced[c] = 0;
  }
}
