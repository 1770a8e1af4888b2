import { Observable } from 'rxjs';
import type { Table } from 'apache-arrow';
import type { CovertMarkWindows, WindowRow } from '@flowstream/plugins/covertmark';
import type { NFStreamer } from '../nfstreamer.js';
import { windowRowsBatch, windowRowsFields } from './window-rows-output.js';

/**
 * The CovertMark window rows of a run (one row per window: flow id, window index, first/last
 * packet time, then the features in CovertMark's key order), as an async iterable. `plugin` must
 * be one of the streamer's `udps`. Each flow's rows arrive when the flow is emitted.
 *
 * @example
 * ```ts
 * import { CovertMarkWindows } from '@flowstream/plugins/covertmark';
 * import { NFStreamer, windowRows } from '@flowstream/streamer';
 *
 * const cm = new CovertMarkWindows({ windowSize: 50 });
 * const streamer = new NFStreamer({ source: 'capture.pcap', udps: [cm] });
 * for await (const row of windowRows(streamer, cm)) console.log(row.flow_id, row.window_index, row);
 * ```
 */
export async function* windowRows(streamer: NFStreamer, plugin: CovertMarkWindows): AsyncGenerator<WindowRow> {
  if (!streamer.udps.includes(plugin)) throw new TypeError('windowRows: the CovertMarkWindows plugin must be one of the streamer\'s udps');
  for await (const batch of streamer.flowBatches()) {
    for (const flow of batch) yield* plugin.takeWindows(flow);
  }
}

/**
 * The window rows as an Observable (unsubscribing stops the run).
 *
 * @example
 * ```ts
 * import { filter } from 'rxjs';
 * import { CovertMarkWindows } from '@flowstream/plugins/covertmark';
 * import { NFStreamer, windowRows$ } from '@flowstream/streamer';
 *
 * const cm = new CovertMarkWindows({ windowSize: 50 });
 * const streamer = new NFStreamer({ source: 'capture.pcap', udps: [cm] });
 * windowRows$(streamer, cm).pipe(filter((row) => row.window_index === 0)).subscribe((row) => console.log(row));
 * ```
 */
export function windowRows$(streamer: NFStreamer, plugin: CovertMarkWindows): Observable<WindowRow> {
  return new Observable<WindowRow>((subscriber) => {
    let closed = false;
    const it = windowRows(streamer, plugin);
    (async () => {
      for (;;) {
        const step = await it.next();
        if (step.done === true || closed) break;
        subscriber.next(step.value);
      }
      if (closed) await it.return(undefined);
      subscriber.complete();
    })().catch((err: unknown) => subscriber.error(err));
    return () => {
      closed = true;
    };
  });
}

/**
 * The window rows as an Arrow table (typed: ints Int64, features Float64; empty without windows).
 *
 * @example
 * ```ts
 * import { CovertMarkWindows } from '@flowstream/plugins/covertmark';
 * import { NFStreamer, windowRowsTable } from '@flowstream/streamer';
 *
 * const cm = new CovertMarkWindows({ windowSize: 50 });
 * const streamer = new NFStreamer({ source: 'capture.pcap', udps: [cm] });
 * const table = await windowRowsTable(streamer, cm);
 * console.log(table.numRows, table.schema.fields.map((f) => f.name));
 * ```
 */
export async function windowRowsTable(streamer: NFStreamer, plugin: CovertMarkWindows): Promise<Table> {
  const { windowRowsSchema } = await import('@flowstream/plugins/covertmark');
  const { ArrowEncoder } = await import('../sinks/arrow/arrow-encoder.js');
  const { Table } = await import('apache-arrow');
  const columns = windowRowsSchema(plugin.featureSelection);
  const encoder = new ArrowEncoder(windowRowsFields(columns));
  const rows: WindowRow[] = [];
  for await (const row of windowRows(streamer, plugin)) rows.push(row);
  const batches = encoder.add(windowRowsBatch(rows, columns));
  const last = encoder.finish();
  if (last !== null) batches.push(last);
  return batches.length > 0 ? new Table(batches) : new Table(encoder.schema);
}
