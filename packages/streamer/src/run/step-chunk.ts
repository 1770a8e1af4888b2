/** A step ends after this long, so signals, timers and the progress line are served (ms). */
export const STEP_MS = 50;
/** Time a chunk of records should take: the chunk grows below it and shrinks well above it (ms). */
const CHUNK_MS = 5;
const FIRST_CHUNK = 64;

/**
 * How many records a step reads before it looks at the clock. A step reads up to
 * `STEP_RECORDS`, which takes milliseconds on the packet path; a plugin or dissector that takes
 * milliseconds per packet would make it take minutes, and the event loop (a stop signal, the
 * wall-clock expiry of a live capture, the progress line) would wait for it. The chunk doubles
 * while chunks are fast and quarters when one is slow, so a step ends within about
 * {@link STEP_MS} whatever a packet costs, at two clock reads per chunk.
 *
 * @example
 * ```ts
 * const chunk = new StepChunk(65536);
 * chunk.begin();
 * do pump(chunk.size); // read up to chunk.size records
 * while (more() && !chunk.spent());
 * ```
 */
export class StepChunk {
  /** Records to read before the next look at the clock. */
  size = FIRST_CHUNK;
  private stepStart = 0;
  private chunkStart = 0;

  constructor(private readonly max: number) {}

  /** A step starts. */
  begin(): void {
    this.stepStart = this.chunkStart = performance.now();
  }

  /** A chunk ended: adapts the size; true when the step has run its time. */
  spent(): boolean {
    const now = performance.now();
    const ms = now - this.chunkStart;
    this.chunkStart = now;
    if (ms > 2 * CHUNK_MS) this.size = Math.max(1, this.size >>> 2);
    else if (ms < CHUNK_MS / 2 && this.size < this.max) this.size = Math.min(this.max, this.size * 2);
    return now - this.stepStart >= STEP_MS;
  }
}
