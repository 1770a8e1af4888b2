import { unlinkSync } from 'node:fs';

/**
 * The temporary files (`OutputFile`'s `.NAME.<random>.partial`) open in this process, so that an
 * exit that cannot wait for the sinks (a second SIGINT, `process.exit`) removes them instead of
 * leaving hidden half-written files beside the outputs. A file leaves the list when it is renamed
 * into place or discarded. Sink workers report theirs to the main thread (see `ThreadedSink`),
 * which keeps the list for the whole process.
 */
const open = new Set<string>();

/** Called on every change (sink workers forward them to the main thread). */
let listener: ((path: string, isOpen: boolean) => void) | null = null;

/** A temporary file was created at `path`. */
export function partialFileOpened(path: string): void {
  open.add(path);
  listener?.(path, true);
}

/** The temporary file at `path` was renamed into place or removed. */
export function partialFileSettled(path: string): void {
  open.delete(path);
  listener?.(path, false);
}

/** Forwards this thread's changes (a sink worker's to the main thread); null stops. */
export function onPartialFileChange(forward: ((path: string, isOpen: boolean) => void) | null): void {
  listener = forward;
}

/** Temporary files open now, oldest first. */
export function openPartialFiles(): readonly string[] {
  return [...open];
}

/**
 * Removes every temporary file still open, synchronously (safe in an `exit` handler); errors are
 * ignored (a file a worker renamed into place meanwhile is complete and stays).
 *
 * @example
 * ```ts
 * process.on('exit', removePartialFiles);
 * ```
 */
export function removePartialFiles(): void {
  for (const path of open) {
    try {
      unlinkSync(path);
    } catch {
      // already renamed or removed
    }
  }
  open.clear();
}
