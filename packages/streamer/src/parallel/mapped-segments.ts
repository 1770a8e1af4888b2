import { mappedAddress } from '@flowstream/core/internal';
import type { PacketRingWriter } from './packet-ring.js';

/**
 * The mapped segments of the capture files a parallel run reads (see `FileCaptureReader.shareMapping`):
 * a record in one goes to its meter as its offset there, and the worker reads it in place, in the
 * same pages (no copy, no page fault of its own). A segment is unmapped once its view is garbage,
 * so this class keeps every segment the reader left reachable until every meter has consumed the
 * records written to its ring up to then (the ring's write counter at that moment is the
 * segment's fence), and the run keeps it until its workers have ended.
 */
export class MappedSegments {
  /** The segment records are read from, or null. */
  view: Uint8Array | null = null;
  /** Its address (see `mappedAddress`). */
  address = 0;
  /** The last buffer found not to be a mapped segment (records there are sent otherwise). */
  private other: Uint8Array | null = null;
  /** Segments left, with each ring's write counter when they were left. */
  private left: { view: Uint8Array; fences: Int32Array }[] = [];

  /** @param writers one ring per worker meter. */
  constructor(private readonly writers: readonly PacketRingWriter[]) {}

  /** Makes `data` the current segment when it is one; false when it is not a mapped segment. */
  enter(data: Uint8Array): boolean {
    if (data === this.other) return false;
    const address = mappedAddress(data);
    if (address === 0) {
      this.other = data;
      return false;
    }
    this.leave();
    this.view = data;
    this.address = address;
    return true;
  }

  /** Fences the current segment and lets go of those every meter is past. */
  private leave(): void {
    const writers = this.writers;
    if (this.view !== null) this.left.push({ view: this.view, fences: Int32Array.from(writers, (w) => w.written) });
    this.left = this.left.filter(({ fences }) => writers.some((w, i) => ((w.consumed - fences[i]!) | 0) < 0));
  }

  /** Lets go of every segment: the workers have ended. */
  clear(): void {
    this.view = null;
    this.left = [];
  }
}
