import { fileStat, libc } from '@flowstream/core/internal';

/** Inputs smaller than this together are over before the tuning pays for loading koffi (~20 ms). */
const WORTH_BYTES = 16 << 20;
/** Free bytes a heap keeps at its top before glibc gives them back (its default: 128 KiB). */
const TRIM_THRESHOLD = 32 << 20;
/** `mallopt`'s parameter number for the trim threshold (glibc's malloc.h). */
const M_TRIM_THRESHOLD = -1;

/**
 * Lets glibc's malloc keep up to 32 MiB of freed memory per heap instead of giving it back to the
 * system at 128 KiB. The compiler threads of each JavaScript engine (the main thread's and every
 * worker's) allocate and free their working memory for every function they optimise, and with the
 * default each cycle gave the pages back and faulted them in again; a page fault costs several
 * microseconds in a virtual machine. Measured on the 2M-packet bench capture (2-core VM): minor
 * faults 12.2k → 8.2k for core fields, 20.8k → 16.3k with snapshots, and 4–7 % less time; on a
 * 1,000-packet capture it cost more than it saved, hence {@link WORTH_BYTES}.
 *
 * Process-wide, so only the CLI does it (a library must not change its host's allocator), and only
 * for runs that read enough: files of {@link WORTH_BYTES} or more together, or a pipe, a device or
 * a live interface (no end known). Best effort: without koffi or glibc (musl), nothing changes.
 *
 * @example
 * ```ts
 * keepFreedMemoryFor(['big.pcap']); // before the run's modules load
 * ```
 */
export function keepFreedMemoryFor(sources: readonly string[]): void {
  if (process.platform !== 'linux' || !tuningPays(sources)) return;
  try {
    libc()?.lib.func('int mallopt(int, int)')(M_TRIM_THRESHOLD, TRIM_THRESHOLD);
  } catch {
    // not glibc's malloc: the default allocator settings stay
  }
}

/** True when a run of `sources` reads enough for the tuning to pay (see {@link keepFreedMemoryFor}). */
export function tuningPays(sources: readonly string[]): boolean {
  let bytes = 0;
  for (const s of sources) {
    if (s === '-') return true;
    try {
      const info = fileStat(s);
      if (!info.isFile()) return true;
      bytes += Number(info.size);
    } catch {
      // not a file: a live interface (or a missing file, which the run reports)
      return true;
    }
  }
  return bytes >= WORTH_BYTES;
}
