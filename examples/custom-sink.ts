/**
 * A user-written output: a FlowSink that totals flows and bytes per transport protocol straight
 * from the batch columns (typed arrays: no flow object is built). Any destination — a database, a
 * message queue, an HTTP endpoint — plugs in the same way, with the run's backpressure, column
 * selection and anonymisation for free.
 *
 * Usage: npx tsx --conditions=source examples/custom-sink.ts [CAPTURE]
 *
 * Importing this module only defines the sink: the demo below runs when it is the main script.
 */
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { FlowBatch } from '@flowstream/core';
import { NFStreamer, type FlowSink, type SinkCloseContext, type SinkResult } from '@flowstream/streamer';

export class BytesPerProtocol implements FlowSink {
  readonly target = 'bytes-per-protocol';
  readonly totals = new Map<number, { flows: number; bytes: number }>();
  private flows = 0;
  packetsRead: number | null = null;

  // Called once, with the output's columns and the run's manifest.
  async open(): Promise<void> {}

  // One call per batch; the run waits for it before metering on (backpressure).
  async write(batch: FlowBatch): Promise<void> {
    const protocol = batch.column('protocol')!.values as Float64Array;
    const bytes = batch.column('bidirectional_bytes')!.values as Float64Array;
    for (let i = 0; i < batch.length; i++) {
      const t = this.totals.get(protocol[i]!) ?? { flows: 0, bytes: 0 };
      t.flows++;
      t.bytes += bytes[i]!;
      this.totals.set(protocol[i]!, t);
    }
    this.flows += batch.length;
  }

  // The end of the run, with its summary (packet accounting, complete manifest).
  async close(context: SinkCloseContext): Promise<SinkResult> {
    this.packetsRead = context.summary?.packets.read ?? null;
    return { flows: this.flows, files: [] };
  }

  // The run failed: release whatever was opened.
  async abort(): Promise<void> {}
}

async function main(): Promise<void> {
  const source = process.argv[2] ?? fileURLToPath(new URL('sample.pcap', import.meta.url));
  const sink = new BytesPerProtocol();
  // Only the columns the sink reads reach it.
  const { flows } = await new NFStreamer({ source, nDissections: 0 }).writeTo(sink, { columns: ['protocol', 'bidirectional_bytes'] });
  const names: Record<number, string> = { 1: 'ICMP', 6: 'TCP', 17: 'UDP', 58: 'ICMPv6' };
  for (const [proto, t] of [...sink.totals].sort((a, b) => b[1].bytes - a[1].bytes)) {
    console.log(`${(names[proto] ?? `proto ${proto}`).padEnd(8)} flows=${t.flows} bytes=${t.bytes}`);
  }
  console.log(`flows: ${flows}`);
  console.log(`packets read: ${sink.packetsRead}`);
}

// Run the demo only as a script, not when imported.
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
