import { Observable } from 'rxjs';
import type { Table } from 'apache-arrow';
import type { NFlow } from '@flowstream/core';
import type { CovertMarkWindows, WindowRow } from '@flowstream/plugins/covertmark';
import type { NFStreamer } from '../nfstreamer.js';

/**
 * The CovertMark window rows of a run (one row per window: flow id, window index, first/last
 * packet time, then the features in CovertMark's key order), as an async iterable. `plugin` must
 * be one of the streamer's `udps`. Each flow's rows arrive when the flow is emitted.
 *
 * @example
 * ```ts
 * const cm = new CovertMarkWindows({ windowSize: 50 });
 * for await (const row of windowRows(new NFStreamer({ source: 'a.pcap', udps: [cm] }), cm)) console.log(row);
 * ```
 */
export async function* windowRows(streamer: NFStreamer, plugin: CovertMarkWindows): AsyncGenerator<WindowRow> {
  if (!streamer.udps.includes(plugin)) throw new TypeError('windowRows: the CovertMarkWindows plugin must be one of the streamer\'s udps');
  for await (const batch of streamer.flowBatches()) {
    for (const flow of batch) yield* plugin.takeWindows(flow);
  }
}

/** The window rows as an Observable (unsubscribing stops the run). */
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

/** The window rows as an Arrow table (Int64/Float64/Utf8 columns; typed and empty without windows). */
export async function windowRowsTable(streamer: NFStreamer, plugin: CovertMarkWindows): Promise<Table> {
  const { windowRowsToArrowTable, windowRowsSchema } = await import('@flowstream/plugins/covertmark');
  const rows: WindowRow[] = [];
  for await (const row of windowRows(streamer, plugin)) rows.push(row);
  return windowRowsToArrowTable(rows, windowRowsSchema(plugin.featureSelection));
}

/** Collects window rows of emitted flows for the CLI's `--windows-output` (CSV streamed, Arrow at the end). */
export async function openWindowsOutput(path: string, plugin: CovertMarkWindows): Promise<{ add(flows: NFlow[]): Promise<void>; close(): Promise<void> }> {
  const cm = await import('@flowstream/plugins/covertmark');
  const columns = cm.windowRowsSchema(plugin.featureSelection);
  if (cm.windowRowsFormatFromPath(path) === 'csv') {
    const w = cm.createWindowRowsCsvWriter(path, columns);
    return {
      async add(flows) {
        for (const f of flows) {
          const rows = plugin.takeWindows(f);
          if (rows.length > 0) await w.write(rows);
        }
      },
      close: () => w.close(),
    };
  }
  const rows: WindowRow[] = [];
  return {
    async add(flows) {
      for (const f of flows) for (const r of plugin.takeWindows(f)) rows.push(r);
    },
    close: () => cm.windowRowsToArrowFile(rows, path, columns),
  };
}
