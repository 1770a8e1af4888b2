import { fstatSync, statSync, type BigIntStats } from 'node:fs';

/**
 * `stat` of a path or descriptor, always in the bigint form. Node 20's plain synchronous `stat`
 * calls leave their result in one process-wide buffer that `realpathSync` reads without a `stat`
 * of its own for directories it has seen before; once that buffer holds a pipe or a socket (stdin
 * of `cat F | flowstream -`, a FIFO given as a capture file), module resolution stops following
 * symlinks, and a package imported later from a pnpm-installed tree (apache-arrow for Arrow and
 * Parquet outputs) fails to find its own dependencies (nodejs/node#51142). The bigint form has
 * its own buffer. Every synchronous `stat` of a file a user names goes through here.
 *
 * @example
 * ```ts
 * const st = fileStat(0);
 * if (st.isFIFO()) console.log('stdin is a pipe');
 * ```
 */
export function fileStat(target: string | number): BigIntStats {
  return typeof target === 'number' ? fstatSync(target, { bigint: true }) : statSync(target, { bigint: true });
}

/** A regular file (false for anything else, and when the descriptor cannot be examined). */
export function isRegularFile(fd: number): boolean {
  try {
    return fileStat(fd).isFile();
  } catch {
    return false;
  }
}

/** A pipe or a socket (false when the descriptor cannot be examined). */
export function isPipeOrSocket(fd: number): boolean {
  try {
    const st = fileStat(fd);
    return st.isFIFO() || st.isSocket();
  } catch {
    return false;
  }
}
