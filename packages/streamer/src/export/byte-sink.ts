import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { AsyncByteQueue } from 'apache-arrow';

/**
 * The byte sink given to apache-arrow's IPC writers. Their default sink is an unbounded queue
 * drained asynchronously, so a fast flow source could outrun the disk; this one just collects the
 * chunks of one batch, which the export loop writes out (awaiting backpressure) before it builds
 * the next batch. Memory thus stays at about one batch.
 * @internal
 */
export class ChunkSink extends AsyncByteQueue {
  private chunks: Uint8Array[] = [];

  override write(value: Uint8Array): void {
    if (value.byteLength > 0) this.chunks.push(value);
  }

  /** The chunks written since the last call. */
  take(): Uint8Array[] {
    const out = this.chunks;
    this.chunks = [];
    return out;
  }
}

/**
 * Writes chunks to a Node stream, resolving once the stream can take more (backpressure).
 * @internal
 */
export async function writeChunks(out: Writable, chunks: readonly Uint8Array[]): Promise<void> {
  if (chunks.length === 0) return;
  if (out.destroyed) throw new Error('flow export: the output stream was closed before the export ended');
  out.cork();
  let ok = true;
  for (const c of chunks) ok = out.write(c);
  out.uncork();
  if (!ok) await waitDrain(out);
}

async function waitDrain(out: Writable): Promise<void> {
  const ac = new AbortController();
  try {
    await Promise.race([once(out, 'drain', { signal: ac.signal }), once(out, 'close', { signal: ac.signal }).then(() => {
      throw out.errored ?? new Error('flow export: the output stream closed during the export');
    })]);
  } finally {
    ac.abort();
  }
}

/**
 * Ends a stream and waits until its data is flushed (for files: written and closed).
 * @internal
 */
export async function endStream(out: Writable): Promise<void> {
  if (out.writableFinished) return;
  const done = once(out, 'finish');
  out.end();
  await done;
}
