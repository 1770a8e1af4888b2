import type { Writable } from 'node:stream';
import { uint64Text, type FieldSpec, type FlowBatch, type FlowColumn } from '@flowstream/core';
import { ByteTarget, targetName } from '../files/byte-target.js';
import { NOTHING_KEPT, type FlowSink, type SinkResult } from '../flow-sink.js';

type JsonRows = (columns: readonly FlowColumn[], from: number, to: number) => string;

function num(v: number): string {
  return Number.isFinite(v) ? `${v}` : 'null';
}

/** A uint64 cell (a time): NFStream's digits (see `uint64Text`); a missing one is null. */
function time(v: number): string {
  return Number.isFinite(v) ? uint64Text(v) : 'null';
}

function json(v: unknown): string {
  if (v === undefined) return 'null';
  // a 64-bit plugin value: its exact digits (JSON numbers have no size; a double would round it)
  if (typeof v === 'bigint') return v.toString();
  return JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? Number(x) : x)) ?? 'null';
}

function list(values: Int32Array | Float64Array, from: number, width: number): string {
  let s = '[';
  for (let k = 0; k < width; k++) s += (k > 0 ? ',' : '') + num(values[from + k]!);
  return `${s}]`;
}

const HELPERS = { num, time, json, list };

function compile(fields: readonly FieldSpec[], columns: readonly FlowColumn[]): JsonRows {
  const decl: string[] = [];
  const parts = fields.map((f, j) => {
    const c = columns[j]!;
    decl.push(`const v${j} = c[${j}].values;`);
    const key = JSON.stringify(JSON.stringify(f.name) + ':');
    let cell: string;
    switch (c.kind) {
      case 'number':
        cell = f.type === 'uint64' ? `h.time(v${j}[i])` : `h.num(v${j}[i])`;
        break;
      case 'list':
        cell = `h.list(v${j}, i * ${c.width}, ${c.width})`;
        break;
      default:
        cell = `h.json(v${j}[i])`;
    }
    return `${j === 0 ? '' : "',' + "}${key} + ${cell}`;
  });
  const body = `${decl.join('\n')}\nlet out = '';\nfor (let i = from; i < to; i++) out += '{' + ${parts.join(' + ')} + '}\\n';\nreturn out;`;
  return new Function('h', `return function jsonRows(c, from, to) {\n${body}\n};`)(HELPERS) as JsonRows;
}

/**
 * JSON Lines: one object per flow with the output's columns in order (lists as arrays, NaN as
 * null, wrapped uint64 times exact), for jq, log shippers and DuckDB's `read_json`.
 *
 * @example
 * ```ts
 * import { NFStreamer, JsonlSink } from '@flowstream/streamer';
 *
 * const streamer = new NFStreamer({ source: 'capture.pcap' });
 * await streamer.writeTo(new JsonlSink('flows.jsonl'));
 * await streamer.writeTo(new JsonlSink(process.stdout)); // e.g. piped into jq
 * ```
 */
export class JsonlSink implements FlowSink {
  readonly target: string;
  readonly keepsBatches = false;
  private out: ByteTarget | null = null;
  private flows = 0;
  private rows: { fields: readonly unknown[]; fn: JsonRows } | null = null;

  constructor(private readonly destination: string | Writable) {
    this.target = targetName(destination);
  }

  async open(): Promise<void> {
    this.out = await ByteTarget.open(this.destination);
  }

  async write(batch: FlowBatch): Promise<void> {
    if (batch.length === 0) return;
    if (this.rows === null || this.rows.fields !== batch.fields) this.rows = { fields: batch.fields, fn: compile(batch.fields, batch.columns) };
    this.flows += batch.length;
    const out = this.out!.out;
    for (let i = 0; i < batch.length; i += 64) {
      const text = this.rows.fn(batch.columns, i, Math.min(batch.length, i + 64));
      if (!out.appendText(text)) await out.appendTextSlow(text);
    }
    await this.out!.batchDone();
  }

  async close(): Promise<SinkResult> {
    await this.out!.commit();
    return { flows: this.flows, files: this.out!.path === null ? [] : [this.out!.path] };
  }

  async abort(): Promise<SinkResult | void> {
    if (this.out === null || (await this.out.discard())) return NOTHING_KEPT;
  }
}
