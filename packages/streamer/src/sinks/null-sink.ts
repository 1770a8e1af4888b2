import type { FlowBatch } from '@flowstream/core';
import type { FlowSink, SinkResult } from './flow-sink.js';

/**
 * Counts flows and writes nothing (`--format none`): for packet accounting, benchmarks, and runs
 * whose only output is the summary. Address texts are never built.
 *
 * @example
 * ```ts
 * import { NFStreamer, NullSink } from '@flowstream/streamer';
 *
 * const streamer = new NFStreamer({ source: 'capture.pcap' });
 * const result = await streamer.writeTo(new NullSink()); // { flows: 42, files: [] }
 * console.log(result.flows, streamer.summary!.packets);
 * ```
 */
export class NullSink implements FlowSink {
  readonly target = 'none';
  readonly keepsBatches = false;
  private flows = 0;
  async open(): Promise<void> {}
  async write(batch: FlowBatch): Promise<void> {
    this.flows += batch.length;
  }
  async close(): Promise<SinkResult> {
    return { flows: this.flows, files: [] };
  }
  async abort(): Promise<void> {}
}
