import type { Writable } from 'node:stream';
import type { FlowBatch } from '@flowstream/core';
import { ByteTarget, targetName } from '../files/byte-target.js';
import type { FlowSink, SinkResult } from '../flow-sink.js';
import { csvRows, quoteCell } from './csv-rows.js';

/** Rows formatted into one string before it is encoded. */
const ROWS_PER_PIECE = 64;

/**
 * NFStream's CSV (spec §9.1), byte for byte: a header of the column names, Python value forms,
 * `\n` line ends. The file is created with the first flow: no flows ⇒ no file, as in NFStream.
 *
 * @example
 * ```ts
 * import { NFStreamer, CsvSink } from '@flowstream/streamer';
 *
 * const streamer = new NFStreamer({ source: 'capture.pcap' });
 * await streamer.writeTo(new CsvSink('flows.csv'));
 * await streamer.writeTo(new CsvSink(process.stdout), { columns: ['src_ip', 'dst_ip', 'bidirectional_bytes'] });
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
    const out = this.out.out;
    if (header !== '') await out.write(header);
    const rows = csvRows(batch.fields, batch.columns);
    const cols = batch.columns;
    // small pieces, encoded as they come: no batch-sized strings for the GC to copy
    for (let i = 0; i < batch.length; i += ROWS_PER_PIECE) {
      const text = rows(cols, i, Math.min(batch.length, i + ROWS_PER_PIECE));
      if (!out.appendText(text)) await out.appendTextSlow(text);
    }
    this.flows += batch.length;
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
