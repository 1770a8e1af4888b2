import { open, readdir, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { RecordBatch, Table, tableToIPC } from 'apache-arrow';
import * as pq from 'parquet-wasm';
import type { JsMsg } from '@nats-io/jetstream';
import { hostname } from 'node:os';
import { processAlive } from './dataset-lock.js';
import { MessageRanges } from './message-ranges.js';
import { MESSAGES_KEY } from './stored-messages.js';

/** This host, reduced to the characters of a file name part. */
const HOST = hostname().replace(/[^A-Za-z0-9-]+/g, '-');
/** Who writes a temporary file: `HOST-PID`. */
const OWNER = `${HOST}-${process.pid}`;

/** The rows of one message held in a part. */
export interface HeldMessage {
  readonly msg: JsMsg;
  /** `sensor/run`. */
  readonly run: string;
  readonly seq: number;
  readonly batches: readonly RecordBatch[];
  /** Body size. */
  readonly bytes: number;
}

/**
 * One Parquet file of the collected dataset while it fills: the messages it will hold with their
 * rows, unacknowledged until the file is in place.
 */
export class ParquetPart {
  readonly held: HeldMessage[] = [];
  readonly startedAt = Date.now();
  bytes = 0;
  rows = 0;

  add(message: HeldMessage): void {
    this.held.push(message);
    for (const b of message.batches) this.rows += b.numRows;
    this.bytes += message.bytes;
  }

  /** Splits off the messages `isStored` finds in the dataset already (another collector wrote them). */
  removeStored(isStored: (run: string, seq: number) => boolean): HeldMessage[] {
    const gone: HeldMessage[] = [];
    for (let i = this.held.length - 1; i >= 0; i--) {
      const h = this.held[i]!;
      if (!isStored(h.run, h.seq)) continue;
      gone.push(h);
      this.held.splice(i, 1);
      for (const b of h.batches) this.rows -= b.numRows;
      this.bytes -= h.bytes;
    }
    return gone;
  }

  /** The message ids of the part, as its footer lists them. */
  ranges(): MessageRanges {
    const r = new MessageRanges();
    for (const h of this.held) r.add(h.run, h.seq);
    return r;
  }
}

/**
 * Writes a part where `read_parquet('DIR/**\/*.parquet')` cannot see it yet — `.NAME.parquet.HOST-PID.tmp`
 * (a dot file, another ending) — and makes it durable (fsync); {@link placePart} renames it.
 * Whatever kills the process, the folder holds complete files only; a left-over temporary file is
 * removed by the next collector (see {@link removeStaleTemporaries}).
 *
 * @example const temp = await writePartTemp('/data/flows', 'part-20261204T1400-ab12-1', part)
 */
export async function writePartTemp(dir: string, name: string, part: ParquetPart): Promise<string> {
  const table = partTable(part);
  const props = new pq.WriterPropertiesBuilder()
    .setCompression(pq.Compression.ZSTD)
    .setMaxRowGroupSize(65536)
    .setCreatedBy('flowstream collect (parquet-wasm)')
    .setKeyValueMetadata(new Map([[MESSAGES_KEY, JSON.stringify(part.ranges())]]))
    .build();
  const wasm = pq.Table.fromIPCStream(tableToIPC(table, 'stream'));
  // every batch must reach the file: its messages are acknowledged once the file is in place
  if (wasm.numBatches !== table.batches.length) {
    wasm.free();
    throw new Error(`Parquet part ${name}: ${wasm.numBatches} of ${table.batches.length} record batches passed through IPC`);
  }
  // writeParquet takes ownership of the wasm table (and frees it).
  const bytes = pq.writeParquet(wasm, props);
  const temp = join(dir, `.${name}.parquet.${OWNER}.tmp`);
  await durableWrite(temp, bytes, join(dir, `${name}.parquet`));
  return temp;
}

/**
 * The part's rows as one table under its first batch's schema. Batches of one part have equal
 * schemas (`schemaKey`), but not always the same type objects: an Arrow body's types are read
 * from IPC (`Int` of 64 bits), a JSON body's are built (`Int64`), and Arrow's IPC writer, which
 * compares the two one way round, ends the stream at the first batch it thinks different, so
 * every later row was left out of the file while its message was acknowledged.
 */
function partTable(part: ParquetPart): Table {
  const batches = part.held.flatMap((h) => h.batches);
  if (batches.length === 0) return new Table();
  const schema = batches[0]!.schema;
  return new Table(schema, ...batches.map((b) => (b.schema === schema ? b : new RecordBatch(schema, b.data))));
}

/** Renames a part written by {@link writePartTemp} to `NAME.parquet` and syncs the folder. */
export async function placePart(dir: string, name: string, temp: string): Promise<string> {
  const final = join(dir, `${name}.parquet`);
  await rename(temp, final);
  await syncDir(dir);
  return final;
}

/** Writes a small file atomically (temporary name, fsync, rename): run manifests and summaries. */
export async function writeAtomically(dir: string, name: string, data: string | Uint8Array): Promise<void> {
  const temp = join(dir, `.${name}.${OWNER}.tmp`);
  await durableWrite(temp, typeof data === 'string' ? Buffer.from(data) : data, join(dir, name));
  await rename(temp, join(dir, name));
  await syncDir(dir);
}

/**
 * Writes and syncs `path`, the temporary name of `final`. When that fails (a full disk), the
 * temporary file is removed and the error names `final`.
 */
async function durableWrite(path: string, bytes: Uint8Array, final: string): Promise<void> {
  try {
    const fh = await open(path, 'w');
    try {
      await fh.writeFile(bytes);
      await fh.sync();
    } finally {
      await fh.close();
    }
  } catch (err) {
    await unlink(path).catch(() => {});
    throw new Error(`${final}: ${(err as Error).message}`, { cause: err });
  }
}

async function syncDir(dir: string): Promise<void> {
  const fh = await open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/**
 * Removes temporary files left by collectors of this host that died (the host and process id
 * are in the name); files of live collectors, and of other hosts sharing the folder, stay.
 */
export async function removeStaleTemporaries(dir: string): Promise<number> {
  let n = 0;
  for (const name of await readdir(dir)) {
    const m = /^\..*\.([A-Za-z0-9-]+)-(\d+)\.tmp$/.exec(name);
    if (m === null || m[1] !== HOST || processAlive(Number(m[2]))) continue;
    await unlink(join(dir, name)).catch(() => {});
    n++;
  }
  return n;
}
