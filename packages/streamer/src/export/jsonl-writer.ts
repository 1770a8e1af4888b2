import { createWriteStream } from 'node:fs';
import type { Writable } from 'node:stream';
import type { FlowSource } from './arrow-writer.js';
import { endStream, writeChunks } from './byte-sink.js';

/** Bytes of JSON text gathered before one write to the output. */
const CHUNK_CHARS = 1 << 16;

/**
 * Writes one JSON object per flow and line (`JSON.stringify(flow.toJSON())`, so NaN and ±Infinity
 * become `null`), for log shippers; returns the number of flows written. A path is created (and
 * closed at the end); a writable is written with backpressure and left open.
 *
 * @example
 * ```ts
 * await writeJsonl(streamer, 'flows.jsonl');
 * await writeJsonl(streamer, process.stdout);
 * ```
 */
export async function writeJsonl(flows: FlowSource, output: Writable | string): Promise<number> {
  const out = typeof output === 'string' ? createWriteStream(output) : output;
  let n = 0;
  try {
    let text = '';
    for await (const flow of flows) {
      text += `${JSON.stringify(flow.toJSON(), bigintAsNumber)}\n`;
      n++;
      if (text.length >= CHUNK_CHARS) {
        await writeChunks(out, [Buffer.from(text, 'utf8')]);
        text = '';
      }
    }
    if (text) await writeChunks(out, [Buffer.from(text, 'utf8')]);
    if (typeof output === 'string') await endStream(out);
  } catch (err) {
    if (typeof output === 'string') out.destroy();
    throw err;
  }
  return n;
}

function bigintAsNumber(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? Number(value) : value;
}
