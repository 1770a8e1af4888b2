import { openAsBlob } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import * as pq from 'parquet-wasm';
import { MessageRanges } from './message-ranges.js';

/** Footer key listing the messages a collector file holds. */
export const MESSAGES_KEY = 'flowstream.messages';

/**
 * The messages already in the dataset: the union of the `flowstream.messages` footers of every
 * `*.parquet` file in the folder (files appear there only complete, by rename). The collector
 * asks it about redelivered messages, so a message whose file was renamed but never acknowledged
 * (a collector killed in between) is acknowledged and skipped instead of stored twice.
 *
 * @example
 * ```ts
 * const stored = new StoredMessages('/data/flows');
 * await stored.refresh();
 * stored.has('berlin/r1', 7);
 * ```
 */
export class StoredMessages {
  private readonly ranges = new MessageRanges();
  private readonly seen = new Set<string>();

  constructor(private readonly dir: string) {}

  has(run: string, seq: number): boolean {
    return this.ranges.has(run, seq);
  }

  /** Records the messages of a file this process just renamed into place. */
  addFile(name: string, ranges: MessageRanges): void {
    this.seen.add(name);
    this.ranges.addAll(ranges);
  }

  /** Reads the footers of the files that appeared since the last call; returns how many. */
  async refresh(): Promise<number> {
    let names: string[];
    try {
      names = (await readdir(this.dir)).filter((n) => n.endsWith('.parquet') && !n.startsWith('.') && !this.seen.has(n));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 0;
      throw err;
    }
    for (const name of names) {
      const file = await pq.ParquetFile.fromFile(await openAsBlob(join(this.dir, name)));
      try {
        const text = file.metadata().fileMetadata().keyValueMetadata().get(MESSAGES_KEY) as string | undefined;
        if (text !== undefined) this.ranges.addAll(MessageRanges.fromJSON(JSON.parse(text)));
      } finally {
        file.free();
      }
      this.seen.add(name);
    }
    return names.length;
  }
}
