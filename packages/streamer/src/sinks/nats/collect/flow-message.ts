import { Bool, DataType, Field, Float64, RecordBatch, Schema, Struct, Table, Utf8, Vector, makeData, tableFromIPC, vectorFromArray } from 'apache-arrow';
import type { JsMsg } from '@nats-io/jetstream';
import type { FieldSpec } from '@flowstream/core';
import { flowColumns } from '@flowstream/core/internal';
import { makeColumn } from '../../arrow/arrow-columns.js';
import { arrowTypeFor } from '../../arrow/arrow-schema.js';
import { HEADERS, type MessageKind } from '../message-layout.js';

const SAFE = /^[A-Za-z0-9_-]{1,200}$/;

/** A message of the NATS sink's layout, read back. */
export interface FlowMessage {
  readonly sensor: string;
  readonly run: string;
  readonly seq: number;
  readonly kind: MessageKind;
  /** `sensor/run`: the key of the run's message ranges. */
  readonly runKey: string;
}

/**
 * Reads the `Flowstream-*` headers of a message; null when they are missing or malformed (a
 * message some other publisher put on the stream).
 *
 * @example flowMessage(msg)?.kind === 'flows'
 */
export function flowMessage(msg: JsMsg): FlowMessage | null {
  const h = msg.headers;
  if (h === undefined) return null;
  const sensor = h.get(HEADERS.sensor);
  const run = h.get(HEADERS.run);
  const seqText = h.get(HEADERS.seq);
  const kind = h.get(HEADERS.kind);
  // Names become file names (`_runs/SENSOR.RUN.start.json`): nothing but the sink's own alphabet.
  if (!SAFE.test(sensor) || !SAFE.test(run) || !/^\d{1,15}$/.test(seqText)) return null;
  if (kind !== 'start' && kind !== 'flows' && kind !== 'end') return null;
  return { sensor, run, seq: Number(seqText), kind, runKey: `${sensor}/${run}` };
}

/**
 * The flows of a `flows` message as record batches with two leading columns, `sensor` and
 * `run_id` (Arrow IPC bodies are read as they are; JSON lines bodies take the core columns' Arrow types, the rest typed from their values).
 *
 * @example flowRows(msg, m)[0]!.schema.fields[0]!.name === 'sensor'
 */
export function flowRows(msg: JsMsg, m: FlowMessage): RecordBatch[] {
  const encoding = msg.headers?.get(HEADERS.encoding) ?? 'arrow';
  const table = encoding === 'json' ? jsonTable(new TextDecoder().decode(msg.data)) : tableFromIPC(msg.data);
  // text columns of Arrow bodies may be dictionaries, each message's with a dictionary id of its
  // own: batches of two messages could not share a file. They become plain text columns.
  const dictionaries = table.schema.fields.map((f) => DataType.isDictionary(f.type));
  const own = table.schema.fields.map((f, i) => (dictionaries[i] ? new Field(f.name, new Utf8(), f.nullable) : f));
  const fields = [new Field('sensor', new Utf8(), false), new Field('run_id', new Utf8(), false), ...own];
  const schema = new Schema(fields);
  return table.batches.filter((b) => b.numRows > 0).map((b) => {
    const n = b.numRows;
    const sensor = vectorFromArray(new Array<string>(n).fill(m.sensor), new Utf8());
    const run = vectorFromArray(new Array<string>(n).fill(m.run), new Utf8());
    const columns = b.data.children.map((c, i) => (dictionaries[i] ? vectorFromArray([...(new Vector([c]) as Vector<Utf8>)], new Utf8()).data[0]! : c));
    const data = makeData({ type: new Struct(fields), length: n, nullCount: 0, children: [sensor.data[0]!, run.data[0]!, ...columns] });
    return new RecordBatch(schema, data);
  });
}

/** A key equal for batches that can share a Parquet file (same column names, types, nullability). */
export function schemaKey(batch: RecordBatch): string {
  return batch.schema.fields.map((f) => `${f.name}:${String(f.type)}:${f.nullable ? 1 : 0}`).join('|');
}

/** Every core column a flow message can carry (all groups on), by name. */
const CORE_COLUMNS: ReadonlyMap<string, FieldSpec> = new Map(
  flowColumns({ decodeTunnels: true, statisticalAnalysis: true, spltAnalysis: 1, dissection: true, systemVisibility: true }).map((f) => [f.name, f]),
);

/**
 * The rows of a JSON lines body as a table, every key a column (a column null in every row of the
 * message too: the rows name it, so it stays). A core column whose values fit its type takes the
 * type an Arrow body gives it (the same accumulators write both), so the dataset's columns do not
 * depend on the encoding the sensors chose. Other columns (plugin fields, and core columns the
 * sensor anonymised into text) are typed from their values: all numbers Float64, all booleans
 * Bool, anything else text (lists and objects as their JSON text).
 */
function jsonTable(text: string): Table {
  const rows = text.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as Record<string, unknown>);
  const names = new Set<string>();
  for (const r of rows) for (const k of Object.keys(r)) names.add(k);
  const columns: Record<string, Vector> = {};
  for (const name of names) {
    const values = rows.map((r) => r[name] ?? null);
    columns[name] = coreColumn(name, values) ?? inferredColumn(values);
  }
  return new Table(columns);
}

/** `values` as core column `name` (its Arrow export type), or null: not a core column, or a value that does not fit it. */
function coreColumn(name: string, values: readonly unknown[]): Vector | null {
  const spec = CORE_COLUMNS.get(name);
  if (spec === undefined) return null;
  // text columns take any value as its text: only strings and nulls keep them text as exported
  if (spec.type === 'string' && values.some((v) => v !== null && typeof v !== 'string')) return null;
  const column = makeColumn(name, arrowTypeFor(spec), Math.max(1, values.length));
  try {
    for (let i = 0; i < values.length; i++) column.add(values[i], i);
  } catch {
    return null;
  }
  return new Vector([column.flush(values.length)]);
}

/** A column typed from its values (see {@link jsonTable}). */
function inferredColumn(values: readonly unknown[]): Vector {
  const present = values.filter((v) => v !== null);
  if (present.length > 0 && present.every((v) => typeof v === 'number')) return vectorFromArray(values as (number | null)[], new Float64());
  if (present.length > 0 && present.every((v) => typeof v === 'boolean')) return vectorFromArray(values as (boolean | null)[], new Bool());
  return vectorFromArray(values.map((v) => (v === null ? null : typeof v === 'string' ? v : JSON.stringify(v))), new Utf8());
}
