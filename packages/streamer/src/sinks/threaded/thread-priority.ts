import { getPriority, setPriority } from 'node:os';

/**
 * Nice steps an output thread of a run over capture files runs below the process. On a machine
 * with fewer free cores than busy threads, the thread that meters (which every output waits for)
 * then gets the core first, and the output thread, which keeps up with time to spare, takes the
 * rest; once metering ends it has the cores to itself. The price: beside other busy programs the
 * output gets less than they do, and the run waits for it (nothing is lost reading a file; live
 * and piped runs keep the process's priority). 2M-packet bench capture, `--snapshot-interval 1`
 * to a CSV file on the 2-core machine (`scripts/interleave.mjs 13`, medians): 539 ms at +0, 517
 * at +5, 501 at +10, 505 at +19, against 394 without snapshots.
 */
export const OUTPUT_THREAD_NICENESS = 10;

/**
 * Lowers the calling thread's scheduling priority by `steps` nice levels, where the system keeps
 * one per thread (Linux: the process's other threads keep theirs; elsewhere the call would
 * change the whole process, so it does nothing). Best effort: a refusal leaves the priority.
 * Threads inherit their starter's priority; libuv's file-system threads, shared by the process,
 * were started by the main thread's module loading before any output thread, so they keep its.
 *
 * @example
 * ```ts
 * lowerThreadPriority(OUTPUT_THREAD_NICENESS); // first thing in an output thread
 * ```
 */
export function lowerThreadPriority(steps: number): void {
  if (process.platform !== 'linux') return;
  try {
    // pid 0: the calling thread (Linux's nice value is per thread)
    setPriority(0, Math.min(19, getPriority(0) + steps));
  } catch {
    // the thread keeps the process's priority
  }
}
