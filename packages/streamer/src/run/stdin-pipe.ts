// the pipe reader alone: started before the run's modules load
import { isPipeOrSocket, PipeCaptureReader } from '@flowstream/core/pipe';

let early: PipeCaptureReader | null = null;

/**
 * Starts reading standard input when it is a pipe or a socket, ahead of the run: the reader's
 * worker boots and fills its ring while the run's modules load. The run takes the reader with
 * {@link takeStdinPipe}; a run that never starts must {@link discardStdinPipe}. `prefix`: bytes
 * already taken from standard input (to tell what it holds), read first.
 *
 * @example
 * ```ts
 * startStdinPipe();
 * try { await run(); } finally { discardStdinPipe(); }
 * ```
 */
export function startStdinPipe(prefix?: Uint8Array): void {
  if (early !== null || !isPipeOrSocket(0)) return;
  early = new PipeCaptureReader(0, 'stdin', { prefix });
}

/** The reader {@link startStdinPipe} started, once; null when none was. */
export function takeStdinPipe(): PipeCaptureReader | null {
  const reader = early;
  early = null;
  return reader;
}

/** Closes a reader that was started and never taken (its worker would keep the process alive). */
export function discardStdinPipe(): void {
  takeStdinPipe()?.close();
}
