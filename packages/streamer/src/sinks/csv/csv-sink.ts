import type { Writable } from 'node:stream';
import type { FlowBatch } from '@flowstream/core';
import { ByteTarget, targetName } from '../files/byte-target.js';
import type { FlowSink, SinkResult } from '../flow-sink.js';
import { csvRows, quoteCell } from './csv-rows.js';

/**
 * NFStream's CSV (spec §9.1), byte for byte: a header of the column names, Python value forms,
 * `\n` line ends. The file is created with the first flow: no flows ⇒ no file, as in NFStream.
 *
 * @example
 * ```ts
 * await streamer.writeTo(new CsvSink('flows.csv'));
 * ```
 */
export class CsvSink implements FlowSink {
  readonly target: string;
  private out: ByteTarget | null = null;
  private flows = 0;

  constructor(private readonly destination: string | Writable) {
    this.target = targetName(destination);
  }

  async open(): Promise<void> {}

  async write(batch: FlowBatch): Promise<void> {
    if (batch.length === 0) return;
    let header = '';
    if (this.out === null) {
      this.out = await ByteTarget.open(this.destination);
      // NFStream's header is the bare names; a name that would break the line is quoted
      header = `${batch.fields.map((f) => (/[,"\n]/.test(f.name) ? quoteCell(f.name) : f.name)).join(',')}\n`;
    }
    const text = header + csvRows(batch.fields, batch.columns)(batch.columns, batch.length);
    this.flows += batch.length;
    await this.out.out.write(text);
  }

  async close(): Promise<SinkResult> {
    if (this.out === null) return { flows: 0, files: [] };
    await this.out.commit();
    return { flows: this.flows, files: this.out.path === null ? [] : [this.out.path] };
  }

  async abort(): Promise<void> {
    await this.out?.discard();
  }
}
