import { mappedAddress, releaseMappedSegment } from '@flowstream/core/internal';
import type { PacketRingWriter } from './packet-ring.js';

/**
 * The mapped segments of the capture files a parallel run reads (see `FileCaptureReader.shareMapping`):
 * a record in one goes to its meter as its offset there, and the worker reads it in place, in the
 * same pages (no copy, no page fault of its own). A segment is unmapped once its view is garbage,
 * so this class keeps every segment the reader left reachable until every meter has consumed the
 * records written to its ring up to then (the ring's write counter at that moment is the
 * segment's fence), and the run keeps it until its workers have ended. The pages of a segment
 * every meter is past are given back at once ({@link prune}), not when it is unmapped.
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

  /** Gives back the pages of the segments left that every meter is past, and lets go of them. */
  prune(): void {
    if (this.left.length === 0) return;
    const writers = this.writers;
    this.left = this.left.filter(({ view, fences }) => {
      if (writers.some((w, i) => ((w.consumed - fences[i]!) | 0) < 0)) return true;
      releaseMappedSegment(view);
      return false;
    });
  }

  /** Fences the current segment with every ring's write counter. */
  private leave(): void {
    if (this.view !== null) this.left.push({ view: this.view, fences: Int32Array.from(this.writers, (w) => w.written) });
    this.prune();
  }

  /** Gives back every segment's pages and lets go of them: the workers have ended. */
  clear(): void {
    for (const { view } of this.left) releaseMappedSegment(view);
    if (this.view !== null) releaseMappedSegment(this.view);
    this.view = null;
    this.left = [];
  }
}
