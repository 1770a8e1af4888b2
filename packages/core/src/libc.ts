import { loadKoffi, type Koffi } from './koffi.js';

/** koffi and the C library it loaded. */
export interface Libc {
  readonly koffi: Koffi;
  readonly lib: ReturnType<Koffi['load']>;
}

let loaded: Libc | null | undefined;

/**
 * The C library through koffi (an optional dependency), loaded once per process for the calls
 * Node has no API for (`mmap`, `madvise`, `mallopt`); null without koffi or outside Linux with
 * glibc.
 *
 * @example
 * ```ts
 * libc()?.lib.func('int mallopt(int, int)')(-1, 32 << 20);
 * ```
 */
export function libc(): Libc | null {
  if (loaded !== undefined) return loaded;
  loaded = null;
  if (process.platform !== 'linux') return null;
  try {
    const koffi = loadKoffi();
    loaded = { koffi, lib: koffi.load('libc.so.6') };
  } catch {
    // koffi is not installed, or the C library is not glibc's
  }
  return loaded;
}
