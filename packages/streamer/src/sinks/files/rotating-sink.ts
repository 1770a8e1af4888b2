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
        this.current = this.make(this.nameOf(this.chunk++));
        await this.current.open(this.context!);
        this.inCurrent = 0;
      }
      const take = Math.min(this.flowsPerFile - this.inCurrent, batch.length - from);
      await this.current.write(from === 0 && take === batch.length ? batch : batch.slice(from, from + take));
      from += take;
      this.inCurrent += take;
      if (this.inCurrent === this.flowsPerFile) await this.finishCurrent({ summary: null });
    }
  }

  private async finishCurrent(context: SinkCloseContext): Promise<void> {
    const sink = this.current!;
    this.current = null;
    const r = await sink.close(context);
    this.flows += r.flows;
    for (const f of r.files) if (!this.files.includes(f)) this.files.push(f);
  }

  async close(context: SinkCloseContext): Promise<SinkResult> {
    if (this.current !== null) await this.finishCurrent(context);
    return { flows: this.flows, files: this.files };
  }

  async abort(reason: Error): Promise<void> {
    await this.current?.abort(reason);
  }
}
