import { RecordBatchStreamWriter, type RecordBatch } from 'apache-arrow';
import type { FlowBatch } from '@flowstream/core';

/**
 * The message layout of the NATS sink (documented in README "NATS JetStream"). Every message of a
 * run carries these headers; the body depends on `Flowstream-Kind`:
 *
 * | kind | seq | body |
 * |---|---|---|
 * | `start` | 0 | JSON `{ sensor, run, encoding, fields, anonymized, manifest }` |
 * | `flows` | 1 … n | an Arrow IPC **stream** (schema + one record batch), or JSON lines |
 * | `end` | n + 1 | JSON `{ flows, messages, summary }` (packet accounting, input hashes) |
 */
export const HEADERS = {
  /** JetStream de-duplication: `${sensor}/${run}/${seq}`. */
  msgId: 'Nats-Msg-Id',
  sensor: 'Flowstream-Sensor',
  run: 'Flowstream-Run',
  seq: 'Flowstream-Seq',
  kind: 'Flowstream-Kind',
  encoding: 'Flowstream-Encoding',
  /** Rows in a `flows` message. */
  rows: 'Flowstream-Rows',
  contentType: 'Content-Type',
} as const;

/** Values of the `Flowstream-Kind` header. */
export type MessageKind = 'start' | 'flows' | 'end';

/** Content types of message bodies. */
export const CONTENT_TYPES = {
  arrow: 'application/vnd.apache.arrow.stream',
  json: 'application/x-ndjson',
  control: 'application/json',
} as const;

/** Digits of the largest `Flowstream-Seq` (2^53) and `Flowstream-Rows` (2^32) a message can carry. */
const SEQ_DIGITS = 16;
const ROWS_DIGITS = 10;

/**
 * The bytes of the largest header block a message of run `run` by `sensor` can carry, as NATS
 * sends it (`NATS/1.0` line, one `Key: value` line per header, `Nats-Msg-Id` included, blank line):
 * what a message body must leave of the server's `max_payload`, which counts headers and body.
 *
 * @example headerBytes('berlin-1', '0b6f…') // ~300
 */
export function headerBytes(sensor: string, run: string): number {
  const text = (v: string) => Buffer.byteLength(v);
  const longest = (values: readonly string[]) => Math.max(...values.map(text));
  const values: [string, number][] = [
    [HEADERS.msgId, text(messageId(sensor, run, 0)) - 1 + SEQ_DIGITS],
    [HEADERS.sensor, text(sensor)],
    [HEADERS.run, text(run)],
    [HEADERS.seq, SEQ_DIGITS],
    [HEADERS.kind, longest(['start', 'flows', 'end'] satisfies MessageKind[])],
    [HEADERS.encoding, longest(['arrow', 'json'])],
    [HEADERS.rows, ROWS_DIGITS],
    [HEADERS.contentType, longest(Object.values(CONTENT_TYPES))],
  ];
  let n = text('NATS/1.0\r\n') + 2;
  for (const [key, length] of values) n += text(key) + 2 + length + 2;
  return n;
}

/**
 * The id of message `seq` of a run: what `Nats-Msg-Id` holds and what the collector de-duplicates.
 *
 * @example messageId('berlin-1', 'r1', 7) === 'berlin-1/r1/7'
 */
export function messageId(sensor: string, run: string, seq: number): string {
  return `${sensor}/${run}/${seq}`;
}

/** One message body with the rows it holds. */
export interface EncodedPart {
  readonly body: Uint8Array;
  readonly rows: number;
}

/** A self-contained Arrow IPC stream: schema message, one record batch, end-of-stream marker. */
export function ipcStream(batch: RecordBatch): Uint8Array {
  return RecordBatchStreamWriter.writeAll([batch]).toUint8Array(true);
}

/**
 * Splits a record batch into IPC stream bodies of at most `limit` bytes each (by rows: a first
 * estimate from the whole batch's size, halved again where a slice is still too large).
 *
 * @example arrowParts(recordBatch, 1_000_000).map((p) => p.rows) // e.g. [30000, 30000, 5536]
 */
export function arrowParts(batch: RecordBatch, limit: number): EncodedPart[] {
  const whole = ipcStream(batch);
  if (whole.byteLength <= limit || batch.numRows === 0) return [{ body: whole, rows: batch.numRows }];
  if (batch.numRows === 1) throw new RangeError(`a single flow needs ${whole.byteLength} bytes, more than the message limit of ${limit} bytes (raise the server's max_payload or --nats-max-message-bytes)`);
  const per = Math.max(1, Math.floor((batch.numRows * limit * 0.9) / whole.byteLength));
  const out: EncodedPart[] = [];
  for (let s = 0; s < batch.numRows; s += per) {
    const part = batch.slice(s, Math.min(batch.numRows, s + per));
    const body = ipcStream(part);
    if (body.byteLength <= limit) out.push({ body, rows: part.numRows });
    else {
      const half = Math.ceil(part.numRows / 2);
      out.push(...arrowParts(part.slice(0, half), limit), ...arrowParts(part.slice(half), limit));
    }
  }
  return out;
}

const encoder = new TextEncoder();

/**
 * JSON lines bodies of at most `limit` bytes: one object per flow, keys = column names, time
 * columns as numbers, lists as arrays.
 *
 * @example jsonParts(batch, 1_000_000)[0]!.body // '{"id":0,"src_ip":"10.0.0.1",…}\n…'
 */
export function jsonParts(batch: FlowBatch, limit: number): EncodedPart[] {
  const names = batch.fields.map((f) => f.name);
  const out: EncodedPart[] = [];
  let lines: string[] = [];
  let bytes = 0;
  const flush = () => {
    if (lines.length === 0) return;
    out.push({ body: encoder.encode(lines.join('')), rows: lines.length });
    lines = [];
    bytes = 0;
  };
  for (let r = 0; r < batch.length; r++) {
    const o: Record<string, unknown> = {};
    for (let c = 0; c < names.length; c++) o[names[c]!] = batch.value(r, c);
    const line = `${JSON.stringify(o)}\n`;
    const n = Buffer.byteLength(line);
    if (n > limit) throw new RangeError(`a single flow needs ${n} bytes, more than the message limit of ${limit} bytes (raise the server's max_payload or --nats-max-message-bytes)`);
    if (bytes + n > limit) flush();
    lines.push(line);
    bytes += n;
  }
  flush();
  return out;
}
