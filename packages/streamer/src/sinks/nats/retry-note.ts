/** Least time between two notes that something is being tried again, ms. */
export const RETRY_NOTE_MS = 10_000;

/**
 * Says that an operation failed and is tried again, at most once every {@link RETRY_NOTE_MS}: a run
 * or a collector that stalls on its server says why, without a line per attempt. The first failure
 * is said at once; a note after a quiet spell says how many failures were not said since the last.
 *
 * @example
 * ```ts
 * const note = new RetryNote((text) => process.stderr.write(`${text}\n`));
 * note.failed('flowstream collect: nats://127.0.0.1:4222/FLOWS: timeout; retrying');
 * ```
 */
export class RetryNote {
  private last = Number.NEGATIVE_INFINITY;
  private unsaid = 0;

  constructor(
    private readonly warn: (text: string) => void,
    private readonly everyMs: number = RETRY_NOTE_MS,
    private readonly now: () => number = Date.now,
  ) {}

  /** One failure, worded by `text`: said unless a note was said within the interval. */
  failed(text: string): void {
    const now = this.now();
    if (now - this.last < this.everyMs) {
      this.unsaid++;
      return;
    }
    const more = this.unsaid === 0 ? '' : ` (${this.unsaid} more ${this.unsaid === 1 ? 'failure' : 'failures'} since the last note)`;
    this.last = now;
    this.unsaid = 0;
    this.warn(text + more);
  }
}
