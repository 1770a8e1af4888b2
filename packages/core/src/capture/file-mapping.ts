import { readSync } from 'node:fs';
import { libc } from '../libc.js';
import type { ByteWindow, WindowLender } from './byte-window.js';

/**
 * Bytes mapped at a time. Each segment is one `mmap` and one view; the reader maps the next one
 * when a record runs past the end of the current one, starting at that record's page. Fewer,
 * larger segments measured faster (2M-packet capture: 256 MiB ~20 ms ahead of 64 MiB).
 */
const SEGMENT_BYTES = 256 * 1024 * 1024;
/**
 * The window is lent this much of a segment at a time; each time, the pages read before are given
 * back, so the file's pages held by the process stay about this many, not a segment's worth.
 */
const LEND_BYTES = 32 * 1024 * 1024;
const PAGE_BYTES = 4096;
/**
 * Files smaller than this are read: the copy a mapping saves costs ~1 ms per 7 MB, and loading
 * koffi for it ~7 ms when nothing else has loaded it.
 */
export const MAP_MIN_BYTES = 32 * 1024 * 1024;
/**
 * A file modified this recently may still be written (a capture tool appending, or rewriting it):
 * it is read, not mapped (see {@link FileMapping}).
 */
const SETTLED_MS = 2000;

/**
 * Mapping pays where walking mapped pages (their page faults) is cheap against the copy it saves.
 * Both are timed on each file's first segment, over the same amount of bytes, and the file is
 * mapped when the walk costs at most this share of the copy. On the 2-core Intel VM a fault took
 * 2–7 µs for 64 KiB against 10–11 µs for its copy, and mapping won (~40 ms on the 750 MB capture
 * at 2–4 µs; at 6–7 µs 25 ms with core fields, 70 ms with the statistics); on AMD guests a fault
 * took ~11 µs, about what its copy took, and mapping lost (330–460 ms against 100–130 ms of reads
 * on one; 864 against 554 ms for the whole core-fields run on another).
 */
const MAX_WALK_SHARE = 0.8;
/**
 * The rule of {@link MAX_WALK_SHARE}: whether walking mapped bytes in `walkUs` beats copying as
 * many with `read` in `copyUs` (0: the copy could not be timed, so the file is read).
 *
 * @example
 * ```ts
 * faultsPay(6.6, 10.3); // true: map
 * faultsPay(11, 10); // false: read
 * ```
 */
export function faultsPay(walkUs: number, copyUs: number): boolean {
  return copyUs > 0 && walkUs <= MAX_WALK_SHARE * copyUs;
}

/**
 * Places of the first segment timed per file, spread over it: the kernel maps a file's cached pages
 * in blocks of different sizes (fault-around's 64 KiB, a large folio's up to 2 MiB), so the first
 * megabyte alone can be one block, one fault, and misjudge the rest (the earlier probe, 16 faults in
 * the first MiB, saw ~0.1 µs where a fault cost ~11 µs).
 */
const PROBE_SPOTS = 8;
/** Bytes walked (one byte a page) and bytes read at each place: ~0.1–1 ms in all. */
const PROBE_SPAN = 256 * 1024;
const PROT_READ = 1;
const MAP_PRIVATE = 2;
const MADV_DONTNEED = 4;

/** The C library's calls a mapping needs, through koffi (see `libc`). */
interface MappingCalls {
  mmap(addr: null, length: number, prot: number, flags: number, fd: number, offset: number): unknown;
  munmap(addr: unknown, length: number): number;
  /** `madvise` at a numeric address (from {@link address}). */
  madvise(address: number, length: number, advice: number): number;
  address(pointer: unknown): number;
  view(pointer: unknown, length: number): ArrayBuffer;
  /** The pointer at a numeric address (from {@link address}, in any thread of the process). */
  at(address: number): unknown;
  /** True for `MAP_FAILED` (`(void *) -1`) and NULL. */
  failed(pointer: unknown): boolean;
}

let calls: MappingCalls | null | undefined;
/** Whether the last file's page faults proved cheap enough for mapping to pay. */
let cheapFaults: boolean | undefined;

/**
 * Whether mapping paid for the last file whose faults were timed (see {@link FileMapping});
 * undefined before the first.
 */
export function mappingPays(): boolean | undefined {
  return cheapFaults;
}

/**
 * `FLOWSTREAM_MAP`: `never` reads every file (one that another process may truncate while it is
 * read), `always` maps every regular file whatever its size and age; anything else, the rule of
 * {@link FileMapping}.
 */
function mapPolicy(): 'never' | 'always' | 'auto' {
  const value = process.env.FLOWSTREAM_MAP;
  return value === 'never' || value === 'always' ? value : 'auto';
}

/** The mapping calls, once per process; null where they cannot be had (no koffi, not 64-bit Linux). */
function mappingCalls(): MappingCalls | null {
  if (calls !== undefined) return calls;
  calls = null;
  // off_t is 64 bits on these (the mmap declaration below relies on it)
  if (process.arch !== 'x64' && process.arch !== 'arm64') return null;
  const c = libc();
  if (c === null) return null;
  try {
    const { koffi, lib } = c;
    const mmap = lib.func('void *mmap(void *addr, size_t length, int prot, int flags, int fd, int64_t offset)');
    const munmap = lib.func('int munmap(void *addr, size_t length)');
    const madvise = lib.func('int madvise(uintptr_t addr, size_t length, int advice)');
    // koffi makes pointers only from C: `memmove(a, a, 0)` copies nothing and returns `a` as one
    const pointerAt = lib.func('void *memmove(uintptr_t dest, uintptr_t src, size_t n)');
    calls = {
      mmap: (addr, length, prot, flags, fd, offset) => mmap(addr, length, prot, flags, fd, offset),
      munmap: (addr, length) => munmap(addr, length) as number,
      madvise: (addr, length, advice) => madvise(addr, length, advice) as number,
      address: (pointer) => Number(koffi.address(pointer as never)),
      view: (pointer, length) => koffi.view(pointer as never, length),
      at: (address) => pointerAt(address, address, 0),
      failed: (pointer) => {
        if (pointer === null) return true;
        const address = BigInt.asIntN(64, BigInt(koffi.address(pointer as never)));
        return address === -1n || address === 0n;
      },
    };
  } catch {
    calls = null;
  }
  return calls;
}

/**
 * A segment's pages go back to the system once its view is garbage: a record handed out earlier
 * may still hold the view, and unmapping memory a view can reach would crash the process.
 */
const unmapWhenUnreachable = new FinalizationRegistry<{ pointer: unknown; length: number }>(({ pointer, length }) => {
  calls?.munmap(pointer, length);
});

/** The address of each mapped segment, by its view's memory (see {@link mappedAddress}). */
const segmentAddresses = new WeakMap<ArrayBufferLike, number>();

/**
 * The address of the mapped file segment `view` covers from its start (a record's `data` while a
 * mapped file is read), or 0 when it is not one. Another thread of the process views the same
 * pages with {@link viewMappedSegment}, as long as this thread keeps `view` reachable: the segment
 * is unmapped once it is garbage.
 */
export function mappedAddress(view: Uint8Array): number {
  return view.byteOffset === 0 ? (segmentAddresses.get(view.buffer) ?? 0) : 0;
}

/**
 * A view of `length` bytes of a segment another thread of this process mapped (its
 * {@link mappedAddress}): no copy, no mapping of its own. Valid while that thread keeps the
 * segment's view reachable; throws where mapping is not available (no koffi).
 *
 * @example
 * ```ts
 * // main thread: post { address: mappedAddress(record.data), length: record.data.length }
 * const bytes = viewMappedSegment(address, length); // worker: the same pages
 * ```
 */
export function viewMappedSegment(address: number, length: number): Uint8Array {
  const lib = mappingCalls();
  if (lib === null) throw new Error('viewMappedSegment: memory mapping is not available in this thread (koffi)');
  return new Uint8Array(lib.view(lib.at(address), length));
}

/**
 * Gives back the pages of the mapped segment `view` (see {@link mappedAddress}) wholly inside
 * `[from, to)`, once no thread reads there any more; the view stays valid (a page read again comes
 * from the page cache). Returns where the pages given back end (`from` when none was); does
 * nothing for a view that is not a mapped segment.
 */
export function releaseMappedSegment(view: Uint8Array, from = 0, to = view.length): number {
  const address = mappedAddress(view);
  const start = from + ((PAGE_BYTES - (from % PAGE_BYTES)) % PAGE_BYTES);
  // never past the segment: the pages after it may be another mapping's
  const last = Math.min(to, view.length);
  const end = last - (last % PAGE_BYTES);
  if (address === 0 || end <= start) return from;
  calls?.madvise(address + start, end - start, MADV_DONTNEED);
  return end;
}

/** When to map and in what steps; the defaults are the measured ones (tests make the steps small to cross many boundaries). */
export interface MappingTuning {
  /** Map whatever the file's size and age. */
  force?: boolean;
  /** Segment size, a multiple of the page size (default 256 MiB). */
  segmentBytes?: number;
  /** Bytes lent at a time (default 32 MiB). */
  lendBytes?: number;
}

/**
 * Lends a {@link ByteWindow} the bytes of a regular file straight from the page cache, through
 * `mmap`, instead of copying them into a buffer with `read` (the copy was a fifth of a run with
 * core fields: ~100 ms for 750 MB). The window sees the file as consecutive segments; a record
 * that runs past a segment's end starts the next segment at its own page, so every record is whole
 * in one segment and is read in place.
 *
 * Past the size the file had when it was opened, the window goes on with `read` (a file that grew
 * is read to its new end, as before). A file that shrinks while it is mapped would end the process
 * (`SIGBUS`), so files modified in the last 2 s, which may still be written, are read instead, as
 * are small files, files whose page faults cost more than the copy they save (timed on each file's
 * first pages: a slow machine, or a file not in the page cache) and systems without koffi.
 * `FLOWSTREAM_MAP=never` reads every file.
 *
 * @example
 * ```ts
 * const mapping = FileMapping.open(fd, size, mtimeMs, () => switchToReads());
 * if (mapping !== null) window.lender = mapping;
 * ```
 */
export class FileMapping implements WindowLender {
  /** The current segment: its first byte's file offset, length, address (0: none) and view. */
  private at = 0;
  private length = 0;
  private address = 0;
  private view = new Uint8Array(0);
  /** Bytes from the segment's start whose pages were given back. */
  private released = 0;
  /** Sum of the bytes the probe walked (kept so that the walk is not optimised away). */
  private probed = 0;
  /**
   * Other threads read the records in place after this one passed them: the pages read are not
   * given back here but by the caller, once those threads are past them (see {@link share}).
   */
  private shared = false;

  private constructor(
    private readonly lib: MappingCalls,
    private readonly fd: number,
    private readonly size: number,
    /** Called when the window must go on with reads (the mapping ends at {@link size}); returns `ensure(n)`'s answer. */
    private readonly readOn: (w: ByteWindow, n: number) => boolean,
    private readonly segmentBytes: number,
    private readonly lendBytes: number,
  ) {}

  /**
   * A mapping of the file on `fd` (`size` bytes, last modified at `mtimeMs`), or null when the
   * file is read instead (small, recently modified, costly page faults on this machine, no koffi,
   * or `mmap` refused). `force`: map whatever the size, age and fault cost (tests).
   */
  static open(fd: number, size: number, mtimeMs: number, readOn: (w: ByteWindow, n: number) => boolean, tuning: MappingTuning = {}): FileMapping | null {
    const policy = mapPolicy();
    if (policy === 'never') return null;
    // the rule decides unless the caller or FLOWSTREAM_MAP maps whatever the file
    const byRule = tuning.force !== true && policy !== 'always';
    if (byRule && (size < MAP_MIN_BYTES || Date.now() - mtimeMs < SETTLED_MS)) return null;
    if (size === 0) return null;
    const lib = mappingCalls();
    if (lib === null) return null;
    const mapping = new FileMapping(lib, fd, size, readOn, tuning.segmentBytes ?? SEGMENT_BYTES, tuning.lendBytes ?? LEND_BYTES);
    if (!mapping.mapSegment(0, 0)) return null;
    const cheap = mapping.timeFaults();
    if (cheap !== undefined) cheapFaults = cheap;
    if (byRule && cheap === false) {
      mapping.release();
      return null;
    }
    return mapping;
  }

  lend(w: ByteWindow, n: number): boolean {
    const position = w.position;
    const end = this.at + this.length;
    if (this.address !== 0 && position >= this.at && position + n <= end) {
      this.releaseBefore(position - this.at);
      this.show(w, position, n);
      return true;
    }
    if (end < this.size && this.mapSegment(position - (position % PAGE_BYTES), n)) {
      this.show(w, position, n);
      if (w.end - w.start >= n) return true;
    }
    // the mapping holds the file as it was opened: go on reading from here
    this.release();
    return this.readOn(w, n);
  }

  /**
   * Times walking the mapped pages (a byte of each page: its faults) and reading as many bytes
   * with `read`, at {@link PROBE_SPOTS} places of the segment: true when mapping beats reading on
   * this machine (see {@link MAX_WALK_SHARE}); undefined when the segment is too small to tell.
   * Each place reads the bytes just after those it walked, so that a file not in the page cache
   * costs both alike (the reads' read-ahead does not warm the walk's pages first).
   */
  private timeFaults(): boolean | undefined {
    const view = this.view;
    const stride = Math.floor(view.length / PROBE_SPOTS / PAGE_BYTES) * PAGE_BYTES;
    // each place in the middle of its stride: away from the first pages, which the warm-up read below reads
    if (stride < 4 * PROBE_SPAN) return undefined;
    const scratch = new Uint8Array(PROBE_SPAN);
    let walkUs = 0;
    let copyUs = 0;
    let touched = 0;
    try {
      // the scratch's own first-touch faults are not the copy's cost
      readSync(this.fd, scratch, 0, PROBE_SPAN, 0);
      for (let k = 0; k < PROBE_SPOTS; k++) {
        const at = k * stride + stride / 2 - ((stride / 2) % PAGE_BYTES);
        let t = performance.now();
        for (let i = 0; i < PROBE_SPAN; i += PAGE_BYTES) touched += view[at + i]!;
        walkUs += (performance.now() - t) * 1000;
        t = performance.now();
        const got = readSync(this.fd, scratch, 0, PROBE_SPAN, this.at + at + PROBE_SPAN);
        copyUs += (performance.now() - t) * 1000;
        if (got !== PROBE_SPAN) return faultsPay(walkUs, 0);
      }
    } catch {
      // the reads that follow will report it, at its offset
      return faultsPay(walkUs, 0);
    }
    // kept, so that the walk is not optimised away
    this.probed = touched;
    return faultsPay(walkUs, copyUs);
  }

  /**
   * Leaves the pages read mapped, for readers in other threads (parallel meters read the records
   * in place after this thread routed them): the caller gives them back with
   * {@link releaseMappedSegment} once those threads are past them. Pages given back too early
   * would be read again from the page cache, a page fault each, and stay mapped.
   */
  share(): void {
    this.shared = true;
  }

  /** Gives the current segment's pages back (its view stays valid: pages read again come from the file). */
  release(): void {
    this.releaseBefore(this.length);
    this.address = 0;
  }

  /** Gives back the pages of the segment wholly before `offset` (from the segment's start), unless shared. */
  private releaseBefore(offset: number): void {
    if (this.address === 0 || this.shared) return;
    this.released = releaseMappedSegment(this.view, this.released, offset);
  }

  /** Maps `[from, from + max(SEGMENT, n + page))` clipped to the file; false when `mmap` refused. */
  private mapSegment(from: number, n: number): boolean {
    const length = Math.min(this.size - from, Math.max(this.segmentBytes, n + PAGE_BYTES));
    const pointer = this.lib.mmap(null, length, PROT_READ, MAP_PRIVATE, this.fd, from);
    if (this.lib.failed(pointer)) return false;
    this.release();
    this.address = this.lib.address(pointer);
    this.at = from;
    this.length = length;
    this.released = 0;
    this.view = new Uint8Array(this.lib.view(pointer, length));
    unmapWhenUnreachable.register(this.view.buffer, { pointer, length });
    segmentAddresses.set(this.view.buffer, this.address);
    return true;
  }

  /** Points the window at the current segment, from `position` on: at least `n` bytes, {@link LEND_BYTES} when there are. */
  private show(w: ByteWindow, position: number, n: number): void {
    const start = position - this.at;
    w.buf = this.view;
    w.base = this.at;
    w.start = start;
    w.end = Math.min(this.length, start + Math.max(n, this.lendBytes));
  }
}
