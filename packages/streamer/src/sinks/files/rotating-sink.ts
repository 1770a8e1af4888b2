import type { FlowBatch } from '@flowstream/core';
import type { FlowSink, SinkCloseContext, SinkOpenContext, SinkResult } from '../flow-sink.js';

/**
 * `flowsPerFile` for any file format: splits the flows into files of at most `flowsPerFile` rows,
 * named by `nameOf(chunkIndex)` (NFStream's chunk naming for CSV, `NAME.N.EXT` otherwise). Each
 * file is a complete output of the inner format (its own header or schema); a file closed before
 * the run ends gets no summary (it is not known yet), the last one gets it.
 *
 * @example new RotatingSink('flows.parquet', 100000, (i) => `flows.${i}.parquet`, (p) => new ParquetSink(p))
 */
export class RotatingSink implements FlowSink {
  private current: FlowSink | null = null;
  /** The file {@link current} writes. */
  private currentPath = '';
  private inCurrent = 0;
  private chunk = 0;
  private context: SinkOpenContext | null = null;
  private flows = 0;
  private readonly files: string[] = [];

  constructor(
    readonly target: string,
    private readonly flowsPerFile: number,
    private readonly nameOf: (chunkIndex: number) => string,
    private readonly make: (path: string) => FlowSink,
  ) {}

  async open(context: SinkOpenContext): Promise<void> {
    this.context = context;
  }

  async write(batch: FlowBatch): Promise<void> {
    let from = 0;
    while (from < batch.length) {
      if (this.current === null) {
        this.currentPath = this.nameOf(this.chunk++);
        this.current = this.make(this.currentPath);
        await this.chunkStep(() => this.current!.open(this.context!));
        this.inCurrent = 0;
      }
      const take = Math.min(this.flowsPerFile - this.inCurrent, batch.length - from);
      const part = from === 0 && take === batch.length ? batch : batch.slice(from, from + take);
      await this.chunkStep(() => this.current!.write(part));
      from += take;
      this.inCurrent += take;
      if (this.inCurrent === this.flowsPerFile) await this.finishCurrent({ summary: null });
    }
  }

  private async finishCurrent(context: SinkCloseContext): Promise<void> {
    const r = await this.chunkStep(() => this.current!.close(context));
    this.current = null;
    this.flows += r.flows;
    for (const f of r.files) if (!this.files.includes(f)) this.files.push(f);
  }

  async close(context: SinkCloseContext): Promise<SinkResult> {
    if (this.current !== null) await this.finishCurrent(context);
    return { flows: this.flows, files: this.files };
  }

  /** Drops the unfinished chunk; the complete chunks before it stay. */
  async abort(reason: Error): Promise<SinkResult> {
    const sink = this.current;
    this.current = null;
    await sink?.abort(reason);
    return { flows: this.flows, files: [...this.files] };
  }

  /**
   * A step of the current chunk's sink. When it fails, the chunk is dropped (no temporary file
   * stays behind) and the error names it; {@link abort} tells what the complete chunks hold.
   */
  private async chunkStep<T>(step: () => Promise<T>): Promise<T> {
    try {
      return await step();
    } catch (err) {
      await this.abort(err as Error).catch(() => undefined);
      const text = (err as Error).message;
      throw new Error(text.includes(this.currentPath) ? text : `${this.currentPath}: ${text}`, { cause: err });
    }
  }
}
