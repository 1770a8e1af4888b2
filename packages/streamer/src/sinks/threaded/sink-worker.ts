/**
 * Entry of a sink worker (see `ThreadedSink`): it makes the built-in file sink it is given and
 * runs its open, writes and close in order as the main thread asks, rebuilding each batch from
 * its columns as sent (encoding, compression and file writes happen on this thread).
 */
import { parentPort } from 'node:worker_threads';
import { BatchReceiver } from '@flowstream/core/internal';
import '../builtin-sinks.js';
import { sinkDefinition } from '../sink-registry.js';
import { onPartialFileChange } from '../files/partial-files.js';
import { NOTHING_KEPT, type FlowSink } from '../flow-sink.js';
import type { SinkReply, SinkRequest, SinkWorkerData } from './sink-protocol.js';
import { lowerThreadPriority, OUTPUT_THREAD_NICENESS } from './thread-priority.js';

const receiver = new BatchReceiver();
let sink: FlowSink | null = null;
let failed = false;
let queue: Promise<void> = Promise.resolve();

function reply(message: SinkReply): void {
  port.postMessage(message);
}

// the worker may start before its sink exists (see `prestartSinkWorker`): the sink comes in the first message
let format = '';
let target = '';
let options: SinkWorkerData['options'] = {};
let port: SinkWorkerData['port'];

parentPort!.once('message', (data: SinkWorkerData) => {
  ({ format, target, options, port } = data);
  // the meter first: this thread encodes what the meter made, with time to spare
  if (data.background) lowerThreadPriority(OUTPUT_THREAD_NICENESS);
  // the main thread keeps the list of temporary files for the whole process (an exit removes them)
  onPartialFileChange((path, open) => reply({ kind: 'partial', path, open }));
  port.on('message', (request: SinkRequest) => {
    queue = queue.then(() => handle(request));
  });
});

async function handle(request: SinkRequest): Promise<void> {
  if (failed && request.kind !== 'abort') return;
  try {
    switch (request.kind) {
      case 'open':
        sink = await sinkDefinition(format).create(target, { ...options, warn: (message: string) => reply({ kind: 'warn', message }) });
        await sink.open(request.context);
        return reply({ kind: 'opened', keepsBatches: sink.keepsBatches !== false });
      case 'batch':
        await sink!.write(receiver.receive(request.batch));
        return reply({ kind: 'written' });
      case 'close':
        reply({ kind: 'closed', result: await sink!.close(request.context) });
        return port.close();
      case 'abort':
        // best effort, as on the main thread: the run's own error is the one reported
        // no sink made yet: nothing was written
        const kept = sink === null ? NOTHING_KEPT : await sink.abort(new Error(request.message)).catch(() => undefined);
        reply({ kind: 'aborted', kept: kept ?? null });
        return port.close();
    }
  } catch (err) {
    failed = true;
    const e = err instanceof Error ? err : new Error(String(err));
    const code = (e as NodeJS.ErrnoException).code;
    reply({ kind: 'error', error: { name: e.name, message: e.message, stack: e.stack, ...(code === undefined ? {} : { code }) } });
  }
}
