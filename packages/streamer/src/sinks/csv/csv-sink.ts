import type { Writable } from 'node:stream';
import type { FlowBatch } from '@flowstream/core';
import { ByteTarget, targetName } from '../files/byte-target.js';
import { NOTHING_KEPT, type FlowSink, type SinkResult } from '../flow-sink.js';
import { quoteCell } from './csv-cell.js';
import { csvEncoder } from './csv-encoder.js';

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
  readonly keepsBatches = false;
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
    const encode = csvEncoder(batch.fields, batch.columns);
    const cols = batch.columns;
    const cursor = out.cursor;
    // rows go straight into the output buffer; when it is full it is written out (one write in flight)
    for (let i = 0; i < batch.length; ) {
      i = encode(cols, i, batch.length, cursor);
      if (i < batch.length) await out.makeRoom(cursor.need);
    }
    this.flows += batch.length;
    await this.out.batchDone();
  }

  async close(): Promise<SinkResult> {
    if (this.out === null) return { flows: 0, files: [] };
    await this.out.commit();
    return { flows: this.flows, files: this.out.path === null ? [] : [this.out.path] };
  }

  async abort(): Promise<SinkResult | void> {
    if (this.out === null || (await this.out.discard())) return NOTHING_KEPT;
  }
}
