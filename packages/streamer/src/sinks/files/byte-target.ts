import { isRegularFile } from '@flowstream/core/internal';
import type { Writable } from 'node:stream';
import { ByteOutput } from './byte-output.js';
import { OutputFile } from './output-file.js';

/** Where a byte-producing sink writes: a file (temporary name, renamed at the end), stdout, or a stream. */
export class ByteTarget {
  private constructor(
    readonly out: ByteOutput,
    private readonly file: OutputFile | null,
  ) {}

  /** `-` is standard output; a string is a path; a Writable is written and left open. */
  static async open(target: string | Writable): Promise<ByteTarget> {
    if (target === '-') return new ByteTarget(isRegularFile(1) ? ByteOutput.toDescriptor(1) : ByteOutput.toStream(process.stdout), null);
    if (typeof target !== 'string') return new ByteTarget(ByteOutput.toStream(target), null);
    const file = await OutputFile.create(target);
    return new ByteTarget(ByteOutput.toFile(file.handle), file);
  }

  /** The final file path, or null for streams. */
  get path(): string | null {
    return this.file?.finalPath ?? null;
  }

  /**
   * A batch was encoded: on stdout or a stream its rows go out now (a live capture or a pipe hands
   * out flows as they end, and a consumer reading the pipe must not wait for a full buffer); a file
   * is read only once in place, so its bytes wait until the buffer fills.
   */
  async batchDone(): Promise<void> {
    if (this.file === null) await this.out.flushText();
  }

  /** Waits for the last write and puts the file in place. */
  async commit(): Promise<void> {
    await this.out.settle();
    if (this.file !== null) await this.file.commit();
  }

  /**
   * Drops a partial file. False when the bytes went out in place (stdout, a stream, a device or a
   * pipe given as the output): the rows written so far stay there.
   */
  async discard(): Promise<boolean> {
    await this.out.settle().catch(() => undefined);
    return this.file !== null && (await this.file.discard());
  }
}

/** The printable name of a sink target. */
export function targetName(target: string | Writable): string {
  return target === '-' ? 'stdout' : typeof target === 'string' ? target : 'stream';
}
