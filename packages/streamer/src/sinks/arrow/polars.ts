import { RecordBatch, Table, tableToIPC } from 'apache-arrow';
import type { DataFrame } from 'nodejs-polars';

/**
 * Converts an Arrow table or batches (e.g. {@link toArrowTable}, {@link toArrowBatches}) into a
 * nodejs-polars DataFrame through Arrow IPC, keeping the Arrow types (Uint16 ports, Int64
 * counters, `List<Int32>` SPLT…). nodejs-polars is an optional peer dependency, loaded on first
 * use.
 *
 * @example
 * ```ts
 * const df = await toPolars(await toArrowTable(streamer, streamer.schema));
 * df.groupBy('application_name').len();
 * ```
 */
export async function toPolars(data: Table | RecordBatch | Iterable<RecordBatch> | AsyncIterable<RecordBatch>): Promise<DataFrame> {
  const pl = await loadPolars();
  let table: Table;
  if (data instanceof Table) table = data;
  else if (data instanceof RecordBatch) table = new Table([data]);
  else {
    const batches: RecordBatch[] = [];
    for await (const b of data) batches.push(b);
    if (batches.length === 0) throw new Error('toPolars: no record batch given (pass a Table to keep the schema of an empty export)');
    table = new Table(batches);
  }
  return pl.readIPC(Buffer.from(tableToIPC(table, 'file')));
}

async function loadPolars(): Promise<typeof import('nodejs-polars').default> {
  try {
    const mod = await import('nodejs-polars');
    return (mod.default ?? mod) as typeof import('nodejs-polars').default;
  } catch (err) {
    throw new Error(
      'toPolars needs the optional peer dependency nodejs-polars (and its native binary for this platform): install it with `pnpm add nodejs-polars`',
      { cause: err },
    );
  }
}
