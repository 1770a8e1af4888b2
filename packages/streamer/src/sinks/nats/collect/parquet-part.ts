import { open, readdir, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { Table, tableToIPC, type RecordBatch } from 'apache-arrow';
import * as pq from 'parquet-wasm';
import type { JsMsg } from '@nats-io/jetstream';
import { MessageRanges } from './message-ranges.js';
import { MESSAGES_KEY } from './stored-messages.js';

/**
 * One Parquet file of the collected dataset while it fills: the record batches of the messages
 * it will hold, and those messages, unacknowledged until the file is in place.
 */
export class ParquetPart {
  readonly batches: RecordBatch[] = [];
  readonly messages: JsMsg[] = [];
  /** Message ids, parallel to {@link messages}. */
  readonly ids: string[] = [];
  readonly ranges = new MessageRanges();
  readonly startedAt = Date.now();
  bytes = 0;
  rows = 0;

  /** Adds the rows of one message (`run` = `sensor/run`, `bytes` = its body size). */
  add(batches: readonly RecordBatch[], msg: JsMsg, run: string, seq: number, bytes: number): void {
    for (const b of batches) {
      this.batches.push(b);
      this.rows += b.numRows;
    }
    this.messages.push(msg);
    this.ids.push(`${run}/${seq}`);
    this.ranges.add(run, seq);
    this.bytes += bytes;
  }
}

/**
 * Writes a part where `read_parquet('DIR/**\/*.parquet')` cannot see it yet — `.NAME.parquet.PID.tmp`
 * (a dot file, another ending) — makes it durable (fsync), then renames it to `NAME.parquet` and
 * syncs the folder. Whatever kills the process, the folder holds complete files only; a left-over
 * temporary file is removed by the next collector (see {@link removeStaleTemporaries}).
 *
 * @example await writePart('/data/flows', 'part-20261204T1400-ab12-1', part)
 */
export async function writePart(dir: string, name: string, part: ParquetPart): Promise<string> {
  const table = new Table(part.batches);
  const props = new pq.WriterPropertiesBuilder()
    .setCompression(pq.Compression.ZSTD)
    .setMaxRowGroupSize(65536)
    .setCreatedBy('flowstream collect (parquet-wasm)')
    .setKeyValueMetadata(new Map([[MESSAGES_KEY, JSON.stringify(part.ranges)]]))
    .build();
  // writeParquet takes ownership of the wasm table (and frees it).
  const bytes = pq.writeParquet(pq.Table.fromIPCStream(tableToIPC(table, 'stream')), props);
  const final = join(dir, `${name}.parquet`);
  const temp = join(dir, `.${name}.parquet.${process.pid}.tmp`);
  await durableWrite(temp, bytes);
  await rename(temp, final);
  await syncDir(dir);
  return final;
}

/** Writes a small file atomically (temporary name, fsync, rename): run manifests and summaries. */
export async function writeAtomically(dir: string, name: string, data: string | Uint8Array): Promise<void> {
  const temp = join(dir, `.${name}.${process.pid}.tmp`);
  await durableWrite(temp, typeof data === 'string' ? Buffer.from(data) : data);
  await rename(temp, join(dir, name));
  await syncDir(dir);
}

async function durableWrite(path: string, bytes: Uint8Array): Promise<void> {
  const fh = await open(path, 'w');
  try {
    await fh.writeFile(bytes);
    await fh.sync();
  } finally {
    await fh.close();
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
 * Removes temporary files left by collectors that died (their process id, in the name, is not
 * running on this machine); files of live collectors sharing the folder are left alone.
 */
export async function removeStaleTemporaries(dir: string): Promise<number> {
  let n = 0;
  for (const name of await readdir(dir)) {
    const m = /^\..*\.(\d+)\.tmp$/.exec(name);
    if (m === null || alive(Number(m[1]))) continue;
    await unlink(join(dir, name)).catch(() => {});
    n++;
  }
  return n;
}

function alive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
