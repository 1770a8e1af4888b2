import { mappedAddress, releaseMappedSegment } from '@flowstream/core/internal';
import type { PacketRingWriter } from './packet-ring.js';

/** Bytes of a segment between two marks: its pages are given back in steps of this, behind the slowest meter. */
const MARK_BYTES = 4 << 20;

/**
 * The mapped segments of the capture files a parallel run reads (see `FileCaptureReader.shareMapping`):
 * a record in one goes to its meter as its offset there, and the worker reads it in place, in the
 * same pages (no copy, no page fault of its own). A segment is unmapped once its view is garbage,
 * so this class keeps every segment the reader left reachable until every meter has consumed the
 * records written to its ring up to then (the ring's write counter at that moment is the
 * segment's fence), and the run keeps it until its workers have ended. Its pages are given back
 * behind the slowest meter: every {@link MARK_BYTES} of the segment the dispatcher marks the
 * rings' write counters ({@link mark}), and the pages before a mark every ring is past go back
 * ({@link prune}); so do a whole segment's, once every ring is past its fence.
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
  /** Offset in the current segment from which a record is to be {@link mark}ed. */
  nextMark = MARK_BYTES;
  /** Marks of the current segment not yet passed by every ring: offset, then each ring's write counter. */
  private marks: { offset: number; fences: Int32Array }[] = [];
  /** The current segment's pages before this offset were given back. */
  private released = 0;

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
    this.marks = [];
    this.released = 0;
    this.nextMark = MARK_BYTES;
    return true;
  }

  /** A record at `offset` of the current segment goes to a ring: the records written before it are before this mark. */
  mark(offset: number): void {
    this.marks.push({ offset, fences: this.fences() });
    this.nextMark = offset + MARK_BYTES;
  }

  /**
   * Gives back the pages every meter is past: of the segments left (which are then let go of), and
   * of the current one before its last mark every ring is past.
   */
  prune(): void {
    if (this.left.length > 0) {
      this.left = this.left.filter(({ view, fences }) => {
        if (!this.past(fences)) return true;
        releaseMappedSegment(view);
        return false;
      });
    }
    let passed = 0;
    while (passed < this.marks.length && this.past(this.marks[passed]!.fences)) passed++;
    if (passed > 0) {
      this.released = releaseMappedSegment(this.view!, this.released, this.marks[passed - 1]!.offset);
      this.marks.splice(0, passed);
    }
  }

  /** True when every ring consumed the records written before `fences`. */
  private past(fences: Int32Array): boolean {
    const writers = this.writers;
    for (let i = 0; i < writers.length; i++) if (((writers[i]!.consumed - fences[i]!) | 0) < 0) return false;
    return true;
  }

  /** Every ring's write counter. */
  private fences(): Int32Array {
    return Int32Array.from(this.writers, (w) => w.written);
  }

  /** Fences the current segment with every ring's write counter. */
  private leave(): void {
    if (this.view !== null) this.left.push({ view: this.view, fences: this.fences() });
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
