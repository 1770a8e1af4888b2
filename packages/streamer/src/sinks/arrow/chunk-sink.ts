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
